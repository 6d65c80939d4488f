import { isScalar } from 'yaml';
import type { Node } from 'yaml';
import { indexPath } from './compile-context';
import type { CompileContext, Entry } from './compile-context';
import { checkDeclaredRef, readBranchRef } from './compile-refs';
import { compileCall, compileLlm } from './compile-io-steps';
import { compileRoute } from './compile-route';
import {
  checkVarName,
  describe,
  isTrue,
  MAX_PAUSE_MS,
  readButtonId,
  readNonEmptyString,
  readPlainName,
  readSetValue,
  readVarName,
} from './compile-values';
import { markdownToText } from './markdown';
import type { Button, Step } from './model';
import { PLACEHOLDER_SOURCE } from './template';
import { emptyVars } from './vars';

/** Compiles the value of one step key; reports problems and returns undefined on any. */
type StepCompiler = (entry: Entry, ctx: CompileContext) => Step | undefined;

// v1 shows texts as they are, so Markdown becomes plain text here, once, not on every turn.
const say: StepCompiler = ({ value, path }, ctx) => {
  const text = readNonEmptyString(ctx, value, path, 'write the message, e.g. say: "Hello"');
  if (text === undefined) return undefined;
  ctx.useTemplate(value, path, text);
  return { kind: 'say', text: markdownToText(text) };
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
    ctx.useTemplate(text.value, text.path, textValue);
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
  if (name === undefined) return undefined;
  ctx.defineVar(name);
  return { kind: 'wait', save: name };
};

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
    if (name === undefined || text === undefined) {
      ok = false;
      continue;
    }
    values[name] = text;
    ctx.defineVar(name);
    ctx.useTemplate(entry.value, entry.path, text);
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

// An address starting with http(s):// and a host; templates may fill in the rest (a template
// counts as one character here, since its value is unknown until the turn runs).
const FILE_URL = /^https?:\/\/[^\s/?#]+\S*$/i;
const TEMPLATE = new RegExp(PLACEHOLDER_SOURCE, 'g');

/** v1 cannot send files: a file is sent as a link, "<name>: <url>". */
const file: StepCompiler = ({ value, path }, ctx) => {
  const example = 'file: { url: "https://example.com/prices.pdf", name: "Price list" }';
  const fields = ctx.fields(value, path, ['url', 'name'], example);
  if (!fields) return undefined;
  const url = fields.get('url');
  const name = fields.get('name');
  if (!url) {
    ctx.error(value, path, `the file has no url; write ${example}`);
    return undefined;
  }
  const address = readNonEmptyString(
    ctx,
    url.value,
    url.path,
    `write the address, e.g. ${example}`,
  );
  if (address !== undefined && !FILE_URL.test(address.replace(TEMPLATE, 'x'))) {
    ctx.error(
      url.value,
      url.path,
      `"${address}" is not an http(s) address; write the full address starting with https://`,
    );
    return undefined;
  }
  const caption = name
    ? readNonEmptyString(ctx, name.value, name.path, 'write the caption, e.g. name: Price list')
    : '';
  if (address === undefined || caption === undefined) return undefined;
  ctx.useTemplate(url.value, url.path, address);
  if (name) ctx.useTemplate(name.value, name.path, caption);
  return { kind: 'file', url: address, name: caption };
};

function timerStep(kind: 'start_timer' | 'cancel_timer'): StepCompiler {
  return ({ value, path }, ctx) => {
    const timer = readPlainName(ctx, value, path, 'timer');
    if (timer === undefined) return undefined;
    checkDeclaredRef(ctx, value, path, timer, 'timer');
    return { kind, timer };
  };
}

/**
 * One compiler per step key. Adding a step kind to the model fails to type-check until it has
 * an entry here.
 */
const STEP_COMPILERS: { readonly [K in Step['kind']]: StepCompiler } = {
  say,
  buttons,
  wait,
  route: compileRoute,
  set,
  goto,
  handoff,
  end,
  pause,
  file,
  start_timer: timerStep('start_timer'),
  cancel_timer: timerStep('cancel_timer'),
  call: compileCall,
  llm: compileLlm,
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
