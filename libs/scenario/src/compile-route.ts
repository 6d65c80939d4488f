import { isSeq } from 'yaml';
import type { Node } from 'yaml';
import { indexPath } from './compile-context';
import type { CompileContext, Entry } from './compile-context';
import { compileIf } from './compile-conditions';
import { checkOfferedButton, readBranchRef } from './compile-refs';
import { readButtonId, readPattern } from './compile-values';
import type { RouteCase, Step } from './model';

/** A case without any condition: it always matches. */
export function isElseCase(c: RouteCase): boolean {
  return c.button === undefined && c.text === undefined && c.if === undefined;
}

export function compileRoute(
  { value, path, keyNode }: Entry,
  ctx: CompileContext,
): Step | undefined {
  const items = ctx.sequence(
    value,
    path,
    'a list of cases, e.g. [{ button: yes, goto: done }, { text: "help", goto: help }, { goto: fallback }]',
  );
  if (!items) return undefined;
  if (items.items.length === 0) {
    ctx.error(value, path, 'the route has no cases; add at least an else case { goto: <branch> }');
    return undefined;
  }
  const cases: RouteCase[] = [];
  let elseAt: number | undefined;
  let ok = true;
  items.items.forEach((item, i) => {
    const casePath = indexPath(path, i);
    const node = ctx.deref(item, casePath);
    const compiled = compileCase(node, casePath, ctx);
    if (!compiled) return void (ok = false);
    if (elseAt !== undefined) {
      ctx.warning(
        node,
        casePath,
        `this case is never tried: case ${elseAt} has no condition and always matches; move the else case last`,
      );
    } else if (isElseCase(compiled)) {
      elseAt = i;
    }
    cases.push(compiled);
  });
  if (!ok) return undefined;
  if (elseAt === undefined) {
    ctx.warning(
      keyNode,
      path,
      'the route has no else case, so when nothing matches the branch goes on with the next step; add { goto: <branch> } as the last case',
    );
  }
  return { kind: 'route', cases };
}

const CONDITIONS = ['button', 'text', 'if'] as const;

function compileCase(node: Node | null, path: string, ctx: CompileContext): RouteCase | undefined {
  const fields = ctx.fields(
    node,
    path,
    [...CONDITIONS, 'goto'],
    'a case: { button: <id or list of ids>, goto: <branch> }, { text: <pattern>, goto: <branch> }, { if: { var: <name>, eq: <value> }, goto: <branch> } or { goto: <branch> }',
  );
  if (!fields) return undefined;
  const button = fields.get('button');
  const text = fields.get('text');
  const test = fields.get('if');
  const target = fields.get('goto');
  if (!target) {
    const message = CONDITIONS.some((key) => fields.has(key))
      ? 'the case has no goto; add goto: <branch> to say where a match leads'
      : 'the case has neither a condition nor a goto; write { goto: <branch> } for an else case, or add button, text or if';
    ctx.error(node, path, message);
    return undefined;
  }
  const out: RouteCase = { goto: '' };
  let ok = true;
  if (button) {
    const ids = caseButtons(button, ctx);
    if (ids === undefined) ok = false;
    else out.button = ids;
  }
  if (text) {
    const pattern = readPattern(
      ctx,
      text.value,
      text.path,
      'write a regular expression, e.g. text: "price|cost"; omit text for an else case',
    );
    if (pattern === undefined) ok = false;
    else out.text = pattern;
  }
  if (test) {
    const conditions = compileIf(test, ctx);
    if (conditions === undefined) ok = false;
    else out.if = conditions;
  }
  const branch = readBranchRef(ctx, target);
  if (branch === undefined) return undefined;
  out.goto = branch;
  return ok ? out : undefined;
}

function caseButtons({ value, path }: Entry, ctx: CompileContext): string[] | undefined {
  const nodes = isSeq(value)
    ? value.items.map((item, i) => ({
        node: ctx.deref(item, indexPath(path, i)),
        at: indexPath(path, i),
      }))
    : [{ node: value, at: path }];
  if (nodes.length === 0) {
    ctx.error(value, path, 'the button list is empty; name at least one button id');
    return undefined;
  }
  const ids: string[] = [];
  for (const { node, at } of nodes) {
    const id = readButtonId(ctx, node, at);
    if (id === undefined) return undefined;
    ids.push(id);
    checkOfferedButton(ctx, node, at, id);
  }
  return ids;
}
