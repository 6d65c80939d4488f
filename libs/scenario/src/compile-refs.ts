import type { Node } from 'yaml';
import type { CompileContext, Entry } from './compile-context';
import { readNonEmptyString } from './compile-values';

// References to names declared elsewhere in the agent. Declarations may come after their uses
// (top-level keys in any order), so every check waits for `ctx.later`.

export function readBranchRef(ctx: CompileContext, { value, path }: Entry): string | undefined {
  const name = readNonEmptyString(ctx, value, path, 'name a branch, e.g. goto: welcome');
  if (name !== undefined)
    ctx.later((facts) => checkBranchRef(ctx, value, path, name, facts.branchNames));
  return name;
}

export function checkBranchRef(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  name: string,
  known: readonly string[],
): void {
  // No branches at all is reported once, on `branches`, rather than at every reference.
  if (known.length === 0 || known.includes(name)) return;
  ctx.error(node, path, `unknown branch "${name}"; known branches: ${known.join(', ')}`);
}

/** How to declare a missing timer or event, for the message when none is declared. */
const DECLARE: Readonly<Record<'timer' | 'event', (name: string) => string>> = {
  timer: (name) => `timers: { ${name}: { after: 2m, goto: <branch> } }`,
  event: (name) => `events: { ${name}: <branch> }`,
};

/** Checks that a timer or event named in a step or a test is declared at the top level. */
export function checkDeclaredRef(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  name: string,
  what: 'timer' | 'event',
): void {
  ctx.later(({ timerNames, eventNames }) => {
    const known = what === 'timer' ? timerNames : eventNames;
    if (known.includes(name)) return;
    const fix =
      known.length === 0
        ? `no ${what}s are declared; declare it at the top level, e.g. ${DECLARE[what](name)}`
        : `declared ${what}s: ${known.join(', ')}`;
    ctx.error(node, path, `unknown ${what} "${name}"; ${fix}`);
  });
}

/** Warns when no keyboard offers `id`: a typo there would silently never match. */
export function checkOfferedButton(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  id: string,
): void {
  ctx.later(({ buttonIds }) => {
    if (!buttonIds.has(id))
      ctx.warning(
        node,
        path,
        `no buttons step offers a button with id "${id}"; check the spelling`,
      );
  });
}
