// The paths a `call` step's `save` reads from a response: `body`, `body.order.status`,
// `body.items[0].name`. A tiny reader of our own: no evaluation, only own properties.

/** One step of a path: a property name or an array index. */
export type PathPart = string | number;

const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const PART = new RegExp(`^(?:\\.(${NAME})|\\[(0|[1-9][0-9]{0,5})\\])`);
const HEAD = new RegExp(`^(${NAME})`);

/** The parts of `path`, or undefined when it is not `name(.name|[index])*`. */
export function parsePath(path: string): PathPart[] | undefined {
  const head = HEAD.exec(path);
  if (!head) return undefined;
  const parts: PathPart[] = [head[1]];
  let rest = path.slice(head[0].length);
  while (rest !== '') {
    const match = PART.exec(rest);
    if (!match) return undefined;
    parts.push(match[1] ?? Number(match[2]));
    rest = rest.slice(match[0].length);
  }
  return parts;
}

/** The value at `parts` inside `value`, or undefined when any step is missing. */
export function readPath(value: unknown, parts: readonly PathPart[]): unknown {
  let at = value;
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Array.isArray(at) || part >= at.length) return undefined;
      at = at[part];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
      if (!Object.hasOwn(at, part)) return undefined;
      at = (at as Record<string, unknown>)[part];
    }
  }
  return at;
}

/** Saved values are text, as all variables are; this many characters at most. */
export const MAX_SAVED_CHARS = 2_000;

/** A JSON value as a variable: strings as they are, numbers and booleans as text, the rest as JSON. */
export function asVariable(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value) ?? '';
  return text.length > MAX_SAVED_CHARS ? text.slice(0, MAX_SAVED_CHARS) : text;
}
