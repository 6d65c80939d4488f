import { isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { indexPath } from './compile-context';
import type { CompileContext, Entry } from './compile-context';
import {
  checkVarName,
  describe,
  isTrue,
  MAX_PAUSE_MS,
  readButtonId,
  readNonEmptyString,
  readSetValue,
  readVarName,
} from './compile-values';
import type { Button, RouteCase, Step } from './model';
import { emptyVars } from './vars';

/** Compiles the value of one step key; reports problems and returns undefined on any. */
type StepCompiler = (entry: Entry, ctx: CompileContext) => Step | undefined;

const say: StepCompiler = ({ value, path }, ctx) => {
  const text = readNonEmptyString(ctx, value, path, 'write the message, e.g. say: "Hello"');
  return text === undefined ? undefined : { kind: 'say', text };
};

const buttons: StepCompiler = ({ value, path }, ctx) => {
  const rows = ctx.sequence(
    value,
    path,
    'a list of rows, each a list of buttons, e.g. - [{ id: yes, text: "Yes" }, { id: no, text: "No" }]',
  );
  if (!rows) return undefined;
  if (rows.items.length === 0) {
    ctx.error(value, path, 'the keyboard has no rows; add at least one row of buttons');
    return undefined;
  }
  // Ids must be unique per keyboard: the channel reports only the id of the pressed button.
  const seen = new Map<string, string>();
  let ok = true;
  const out: Button[][] = rows.items.map((rowItem, r) => {
    const rowPath = indexPath(path, r);
    const row = ctx.sequence(
      ctx.deref(rowItem, rowPath),
      rowPath,
      'a row: a list of buttons, e.g. [{ id: yes, text: "Yes" }]',
    );
    if (!row) return ((ok = false), []);
    if (row.items.length === 0) {
      ctx.error(row, rowPath, 'the keyboard row is empty; add buttons or remove the row');
      ok = false;
    }
    return row.items.flatMap((item, b) => {
      const button = compileButton(ctx.deref(item, indexPath(rowPath, b)), indexPath(rowPath, b));
      if (!button) return ((ok = false), []);
      const first = seen.get(button.id);
      if (first !== undefined) {
        ctx.error(
          button.idNode,
          `${button.path}.id`,
          `duplicate button id "${button.id}" (also at ${first}); ids must be unique within a keyboard`,
        );
        ok = false;
      }
      seen.set(button.id, button.path);
      ctx.buttonIds.add(button.id);
      return [{ id: button.id, text: button.text }];
    });
  });
  return ok ? { kind: 'buttons', rows: out } : undefined;

  function compileButton(node: Node | null, buttonPath: string) {
    const fields = ctx.fields(
      node,
      buttonPath,
      ['id', 'text'],
      'a button: { id: yes, text: "Yes" }',
    );
    if (!fields) return undefined;
    const id = fields.get('id');
    const text = fields.get('text');
    if (!id || !text) {
      ctx.error(node, buttonPath, 'a button needs both id and text, e.g. { id: yes, text: "Yes" }');
      return undefined;
    }
    const idValue = readButtonId(ctx, id.value, id.path);
    const textValue = readNonEmptyString(ctx, text.value, text.path, 'write the button label');
    if (idValue === undefined || textValue === undefined) return undefined;
    return { id: idValue, text: textValue, idNode: id.value, path: buttonPath };
  }
};

const wait: StepCompiler = ({ value, path }, ctx) => {
  if (isTrue(value)) return { kind: 'wait' };
  const fields = ctx.fields(
    value,
    path,
    ['save'],
    'wait: {}, wait: true or wait: { save: <variable> }',
  );
  if (!fields) return undefined;
  const save = fields.get('save');
  if (!save) return { kind: 'wait' };
  const name = readVarName(ctx, save.value, save.path);
  return name === undefined ? undefined : { kind: 'wait', save: name };
};

const route: StepCompiler = ({ value, path, keyNode }, ctx) => {
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
    } else if (compiled.button === undefined && compiled.text === undefined) {
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
};

function compileCase(node: Node | null, path: string, ctx: CompileContext): RouteCase | undefined {
  const fields = ctx.fields(
    node,
    path,
    ['button', 'text', 'goto'],
    'a case: { button: <id or list of ids>, goto: <branch> }, { text: <pattern>, goto: <branch> } or { goto: <branch> }',
  );
  if (!fields) return undefined;
  const button = fields.get('button');
  const text = fields.get('text');
  const target = fields.get('goto');
  if (!target) {
    const message =
      button || text
        ? 'the case has no goto; add goto: <branch> to say where a match leads'
        : 'the case has neither a condition nor a goto; write { goto: <branch> } for an else case, or add button or text';
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
    const pattern = casePattern(text, ctx);
    if (pattern === undefined) ok = false;
    else out.text = pattern;
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
    // A typo here would silently never match, so compare with the keyboards once all are known.
    ctx.later(({ buttonIds }) => {
      if (!buttonIds.has(id))
        ctx.warning(
          node,
          at,
          `no buttons step offers a button with id "${id}"; check the spelling`,
        );
    });
  }
  return ids;
}

function casePattern({ value, path }: Entry, ctx: CompileContext): string | undefined {
  const pattern = readNonEmptyString(
    ctx,
    value,
    path,
    'write a regular expression, e.g. text: "price|cost"; omit text for an else case',
  );
  if (pattern === undefined) return undefined;
  try {
    // The same flags as at runtime, so everything that compiles here also runs there.
    new RegExp(pattern, 'iu');
    return pattern;
  } catch (error) {
    ctx.error(
      value,
      path,
      `${(error as Error).message}; escape characters like ( ) [ ] { } . * + ? | \\ with a backslash to match them literally`,
    );
    return undefined;
  }
}

const set: StepCompiler = ({ value, path }, ctx) => {
  const map = ctx.mapping(value, path, 'variables and values, e.g. set: { plan: basic, tries: 0 }');
  if (!map) return undefined;
  const entries = ctx.entries(map, path);
  if (map.items.length === 0) {
    ctx.error(value, path, 'set has no variables; e.g. set: { plan: basic }');
    return undefined;
  }
  const values = emptyVars();
  let ok = entries.length === map.items.length;
  for (const entry of entries) {
    const name = checkVarName(ctx, entry.keyNode, entry.path, entry.key);
    const text = readSetValue(ctx, entry.value, entry.path);
    if (name === undefined || text === undefined) ok = false;
    else values[name] = text;
  }
  return ok ? { kind: 'set', values } : undefined;
};

const goto: StepCompiler = (entry, ctx) => {
  const branch = readBranchRef(ctx, entry);
  return branch === undefined ? undefined : { kind: 'goto', branch };
};

/** Handoff without a reason of its own; the integrator sees it in `TurnResult.handoff`. */
export const DEFAULT_HANDOFF_REASON = 'bot_handoff';

const handoff: StepCompiler = ({ value, path }, ctx) => {
  if (isTrue(value)) return { kind: 'handoff', reason: DEFAULT_HANDOFF_REASON };
  const reason = readNonEmptyString(
    ctx,
    value,
    path,
    'write the reason, e.g. handoff: visitor_asked, or handoff: true',
  );
  return reason === undefined ? undefined : { kind: 'handoff', reason };
};

const end: StepCompiler = ({ value, path }, ctx) => {
  if (isTrue(value)) return { kind: 'end' };
  ctx.error(value, path, `${describe(value)} does not fit here; write end: true`);
  return undefined;
};

const pause: StepCompiler = ({ value, path }, ctx) => {
  const ms: unknown = isScalar(value) ? value.value : undefined;
  if (typeof ms === 'number' && Number.isInteger(ms) && ms > 0 && ms <= MAX_PAUSE_MS)
    return { kind: 'pause', ms };
  ctx.error(
    value,
    path,
    `${describe(value)} is not a valid pause; write whole milliseconds from 1 to ${MAX_PAUSE_MS}, e.g. pause: 1500`,
  );
  return undefined;
};

function readBranchRef(ctx: CompileContext, { value, path }: Entry): string | undefined {
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

/**
 * One compiler per step key. Adding a step kind to the model fails to type-check until it has
 * an entry here.
 */
const STEP_COMPILERS: { readonly [K in Step['kind']]: StepCompiler } = {
  say,
  buttons,
  wait,
  route,
  set,
  goto,
  handoff,
  end,
  pause,
};

export const STEP_KEYS: readonly string[] = Object.keys(STEP_COMPILERS);

export function compileStep(
  item: Node | null,
  path: string,
  ctx: CompileContext,
): Step | undefined {
  const example = `a step is a mapping with one of the keys ${STEP_KEYS.join(', ')}, e.g. - say: "Hello"`;
  const map = ctx.mapping(item, path, example);
  if (!map) return undefined;
  if (map.items.length === 0) {
    ctx.error(map, path, `the step is empty; ${example}`);
    return undefined;
  }
  const entries = ctx.entries(map, path);
  if (entries.length !== map.items.length) return undefined;
  if (entries.length > 1) {
    const keys = entries.map((entry) => entry.key).join(', ');
    ctx.error(
      entries[1].keyNode,
      path,
      `a step has exactly one key but this one has ${keys}; put each in its own list item starting with "-"`,
    );
    return undefined;
  }
  const entry = entries[0];
  if (!Object.hasOwn(STEP_COMPILERS, entry.key)) {
    ctx.error(
      entry.keyNode,
      entry.path,
      `unknown step "${entry.key}"; allowed steps: ${STEP_KEYS.join(', ')}`,
    );
    return undefined;
  }
  return STEP_COMPILERS[entry.key as Step['kind']](entry, ctx);
}
