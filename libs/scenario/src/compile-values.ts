import { isScalar, isSeq } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { CompileContext } from './compile-context';
import { compilePattern, PatternRefused } from './patterns';

/** Variable names are also template names, so they share the `{{ name }}` syntax. */
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Webim recommends short ASCII ids; channels echo them back verbatim. */
export const BUTTON_ID = /^[A-Za-z0-9_-]{1,24}$/;

export const MAX_PAUSE_MS = 60_000;

/**
 * Timer and event names reach the I/O layer (job ids, request paths, Redis hash fields), so
 * they are kept to characters that need no escaping in a URL (job ids escape the dots).
 */
export const PLAIN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Timers run from one second (anything shorter is a pause) to a week (conversations expire). */
export const MIN_TIMER_MS = 1_000;
export const MAX_TIMER_MS = 7 * 24 * 60 * 60 * 1_000;

const DURATION = /^([1-9][0-9]*)(ms|s|m|h)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function isTrue(node: Node | null): boolean {
  return isScalar(node) && node.value === true;
}

/** A string scalar, or undefined after reporting `hint` (which should say what to write). */
export function readString(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  hint: string,
): string | undefined {
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  // `say: 42` or `id: yes`-style surprises: YAML read a number or boolean where text was meant.
  const quote =
    isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'boolean')
      ? ` (write "${node.source ?? String(node.value)}" in quotes to use it as text)`
      : '';
  ctx.error(node, path, `${describe(node)} is not a string${quote}; ${hint}`);
  return undefined;
}

export function readNonEmptyString(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  hint: string,
): string | undefined {
  const value = readString(ctx, node, path, hint);
  if (value === undefined || value.trim() !== '') return value;
  ctx.error(node, path, `the text is empty; ${hint}`);
  return undefined;
}

export function readVarName(
  ctx: CompileContext,
  node: Node | null,
  path: string,
): string | undefined {
  const hint = 'a variable name is letters, digits and _ and does not start with a digit';
  const name = readString(ctx, node, path, hint);
  return name === undefined ? undefined : checkVarName(ctx, node, path, name);
}

export function checkVarName(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  name: string,
): string | undefined {
  if (VAR_NAME.test(name)) return name;
  ctx.error(
    node,
    path,
    `invalid variable name "${name}"; use letters, digits and _ and do not start with a digit`,
  );
  return undefined;
}

export function readButtonId(
  ctx: CompileContext,
  node: Node | null,
  path: string,
): string | undefined {
  const hint = 'a button id is 1-24 characters of A-Z, a-z, 0-9, _ and -';
  const id = readString(ctx, node, path, hint);
  if (id === undefined) return undefined;
  if (BUTTON_ID.test(id)) return id;
  ctx.error(node, path, `invalid button id "${id}"; ${hint}`);
  return undefined;
}

/** A scalar as text: strings as they are, numbers and booleans as written (`007` is "007"). */
export function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return sourceText(node, value);
  return undefined;
}

/** A string, number or boolean as text, or undefined after reporting `hint`. */
export function readScalar(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  hint: string,
): string | undefined {
  const text = scalarText(node);
  if (text === undefined) ctx.error(node, path, `${describe(node)} does not fit here; ${hint}`);
  return text;
}

/** `set` values: scalars kept as written, so `code: 007` stores "007", not "7". */
export function readSetValue(
  ctx: CompileContext,
  node: Node | null,
  path: string,
): string | undefined {
  const text = scalarText(node);
  if (text === undefined)
    ctx.error(
      node,
      path,
      `${describe(node)} cannot be stored; a value is a string, number or boolean`,
    );
  return text;
}

export function readNumber(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  hint: string,
): number | undefined {
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const unquote =
    typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? ' (write it without quotes)'
      : '';
  ctx.error(node, path, `${describe(node)} is not a number${unquote}; ${hint}`);
  return undefined;
}

export function readBoolean(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  hint: string,
): boolean | undefined {
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value === 'boolean') return value;
  ctx.error(node, path, `${describe(node)} is not true or false; ${hint}`);
  return undefined;
}

/** A timer's or event's name (`what`), checked against PLAIN_NAME. */
export function readPlainName(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  what: string,
): string | undefined {
  const hint = `a ${what} name is 1-64 characters of A-Z, a-z, 0-9, _, . and -`;
  const name = readString(ctx, node, path, hint);
  return name === undefined ? undefined : checkPlainName(ctx, node, path, name, what);
}

export function checkPlainName(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  name: string,
  what: string,
): string | undefined {
  if (PLAIN_NAME.test(name)) return name;
  ctx.error(
    node,
    path,
    `invalid ${what} name "${name}"; use 1-64 characters of A-Z, a-z, 0-9, _, . and -`,
  );
  return undefined;
}

/** A delay: `500ms`, `30s`, `2m`, `1h` or whole milliseconds, from 1s to 7 days. */
export function readDuration(
  ctx: CompileContext,
  node: Node | null,
  path: string,
): number | undefined {
  const value: unknown = isScalar(node) ? node.value : undefined;
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  const ms =
    typeof value === 'number' && Number.isInteger(value)
      ? value
      : match
        ? Number(match[1]) * UNIT_MS[match[2]]
        : undefined;
  if (ms === undefined) {
    ctx.error(
      node,
      path,
      `${describe(node)} is not a duration; write a whole number with a unit (ms, s, m or h), e.g. 30s or 2m, or whole milliseconds, e.g. 120000`,
    );
    return undefined;
  }
  if (ms >= MIN_TIMER_MS && ms <= MAX_TIMER_MS) return ms;
  ctx.error(
    node,
    path,
    `${describe(node)} is out of range; a timer fires from 1s to 7 days (168h) after it starts`,
  );
  return undefined;
}

function sourceText(node: Scalar, value: number | boolean): string {
  return node.type === 'PLAIN' && node.source ? node.source : String(value);
}

/** How a node looks to the author, for messages like `a list is not a string`. */
export function describe(node: Node | null): string {
  if (node === null) return 'an empty value';
  if (isScalar(node)) {
    if (node.value === null) return 'an empty value';
    if (typeof node.value === 'string') return `"${node.value}"`;
    return `${typeof node.value} ${String(node.value)}`;
  }
  return isSeq(node) ? 'a list' : 'a mapping';
}

/**
 * A pattern, compiled by the matcher that runs it (so what compiles here runs there); a pattern
 * it refuses is reported at the pattern's node, with where in the pattern and what to write.
 */
export function readPattern(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  hint: string,
): string | undefined {
  const pattern = readNonEmptyString(ctx, node, path, hint);
  if (pattern === undefined) return undefined;
  try {
    compilePattern(pattern);
    return pattern;
  } catch (error) {
    if (!(error instanceof PatternRefused)) throw error;
    ctx.error(node, path, error.message);
    return undefined;
  }
}
