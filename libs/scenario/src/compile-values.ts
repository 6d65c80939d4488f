import { isScalar, isSeq } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { CompileContext } from './compile-context';

/** Variable names are also template names, so they share the `{{ name }}` syntax. */
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Webim recommends short ASCII ids; channels echo them back verbatim. */
export const BUTTON_ID = /^[A-Za-z0-9_-]{1,24}$/;

export const MAX_PAUSE_MS = 60_000;

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

/** `set` values: scalars kept as written, so `code: 007` stores "007", not "7". */
export function readSetValue(
  ctx: CompileContext,
  node: Node | null,
  path: string,
): string | undefined {
  if (isScalar(node)) {
    const value: unknown = node.value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return sourceText(node, value);
  }
  ctx.error(
    node,
    path,
    `${describe(node)} cannot be stored; a value is a string, number or boolean`,
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
