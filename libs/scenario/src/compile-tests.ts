import { isMap, isScalar } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { testNewChatVars } from './channel-variables';
import { indexPath } from './compile-context';
import type { CompileContext, Entry } from './compile-context';
import type { Draft } from './compile-draft';
import { checkDeclaredRef, checkOfferedButton } from './compile-refs';
import {
  checkVarName,
  describe,
  readButtonId,
  readNonEmptyString,
  readPlainName,
  readScalar,
  readSetValue,
} from './compile-values';
import type { AgentTest, ExpectedMessage, TestExchange, TestInput, TestReturn } from './model';
import { emptyVars } from './vars';

// `tests:` — conversations the agent must hold: each exchange sends one input and may check
// what the bot answers. They run when the agent is trained (train-agent.ts).

const TEST_EXAMPLE =
  '- name: greets the visitor\n  conversation:\n    - new_chat: {}\n      bot: [Hello]';

export function compileTests({ value, path }: Entry, ctx: CompileContext, draft: Draft): void {
  const list = ctx.sequence(value, path, `a list of tests, e.g.\n${TEST_EXAMPLE}`);
  if (!list) return;
  const names = new Map<string, string>();
  list.items.forEach((item, i) => {
    const at = indexPath(path, i);
    const test = compileTest(ctx.deref(item, at), at, ctx, names);
    if (test) draft.tests.push(test);
  });
}

function compileTest(
  node: Node | null,
  path: string,
  ctx: CompileContext,
  names: Map<string, string>,
): AgentTest | undefined {
  const fields = ctx.fields(
    node,
    path,
    ['name', 'conversation'],
    'a test: { name: <what it shows>, conversation: [<exchange>, ...] }',
  );
  if (!fields) return undefined;
  const nameEntry = fields.get('name');
  const conversation = fields.get('conversation');
  if (!nameEntry || !conversation) {
    ctx.error(node, path, `a test needs a name and a conversation, e.g.\n${TEST_EXAMPLE}`);
    return undefined;
  }
  const name = readNonEmptyString(
    ctx,
    nameEntry.value,
    nameEntry.path,
    'say what the test shows, e.g. name: greets the visitor by name',
  );
  if (name !== undefined) {
    // Reports name their tests, so two tests of one name could not be told apart.
    const first = names.get(name);
    if (first !== undefined)
      ctx.error(
        nameEntry.value,
        nameEntry.path,
        `duplicate test name "${name}" (also at ${first}); give each test its own name`,
      );
    else names.set(name, path);
  }
  const exchanges = compileConversation(conversation, ctx);
  return name === undefined || exchanges === undefined ? undefined : { name, exchanges };
}

function compileConversation({ value, path }: Entry, ctx: CompileContext) {
  const list = ctx.sequence(value, path, 'a list of exchanges, e.g. - say: hello');
  if (!list) return undefined;
  if (list.items.length === 0) {
    ctx.error(value, path, 'the conversation is empty; add exchanges, e.g. - new_chat: {}');
    return undefined;
  }
  const out: TestExchange[] = [];
  let ok = true;
  list.items.forEach((item, i) => {
    const at = indexPath(path, i);
    const exchange = compileExchange(ctx.deref(item, at), at, ctx);
    if (exchange) out.push(exchange);
    else ok = false;
  });
  return ok ? out : undefined;
}

/** Reads the value of one input key; reports and returns undefined when it does not fit. */
type InputReader = (entry: Entry, ctx: CompileContext) => TestInput | undefined;

const new_chat: InputReader = ({ value, path }, ctx) => {
  const { visitorFields } = ctx.channel;
  const vars = emptyVars();
  Object.assign(vars, testNewChatVars(ctx.channel));
  // `new_chat:` with nothing after it reads as an empty value: a chat without anything special.
  if (isScalar(value) && value.value === null) return { kind: 'new_chat', vars };
  const fields = ctx.fields(
    value,
    path,
    ['text', ...Object.keys(visitorFields), 'vars'],
    'new_chat: {} or new_chat: { firstname: Ann, text: <pre-chat message>, vars: { <name>: <value> } }',
  );
  if (!fields) return undefined;
  let ok = true;
  let text: string | undefined;
  for (const [key, entry] of fields) {
    if (key === 'vars') continue;
    const field = readScalar(ctx, entry.value, entry.path, `write the ${key} as text`);
    if (field === undefined) ok = false;
    else if (key === 'text') text = field;
    else vars[visitorFields[key]] = field;
  }
  const extra = fields.get('vars');
  if (extra) ok = readVars(extra, ctx, vars) && ok;
  if (!ok) return undefined;
  return text === undefined ? { kind: 'new_chat', vars } : { kind: 'new_chat', vars, text };
};

function readVars({ value, path }: Entry, ctx: CompileContext, into: Record<string, string>) {
  const [example = 'name'] = Object.keys(ctx.channel.visitor('v1'));
  const map = ctx.mapping(value, path, `channel variables, e.g. vars: { ${example}: v1 }`);
  if (!map) return false;
  let ok = true;
  for (const entry of ctx.entries(map, path)) {
    const name = checkVarName(ctx, entry.keyNode, entry.path, entry.key);
    const text = readSetValue(ctx, entry.value, entry.path);
    if (name === undefined || text === undefined) ok = false;
    else into[name] = text;
  }
  return ok;
}

const say: InputReader = ({ value, path }, ctx) => {
  const text = readScalar(ctx, value, path, 'write what the visitor writes, e.g. say: hello');
  return text === undefined ? undefined : { kind: 'say', text };
};

const press: InputReader = ({ value, path }, ctx) => {
  const id = readButtonId(ctx, value, path);
  if (id === undefined) return undefined;
  checkOfferedButton(ctx, value, path, id);
  return { kind: 'press', id };
};

const timer: InputReader = ({ value, path }, ctx) => {
  const name = readPlainName(ctx, value, path, 'timer');
  if (name === undefined) return undefined;
  checkDeclaredRef(ctx, value, path, name, 'timer');
  return { kind: 'timer', name };
};

const event: InputReader = ({ value, path }, ctx) => {
  if (!isMap(value)) {
    const name = readPlainName(ctx, value, path, 'event');
    if (name === undefined) return undefined;
    checkDeclaredRef(ctx, value, path, name, 'event');
    return { kind: 'event', name, data: emptyVars() };
  }
  const fields = ctx.fields(
    value,
    path,
    ['name', 'data'],
    'event: <name> or event: { name: <name>, data: { <key>: <value> } }',
  );
  const nameEntry = fields?.get('name');
  if (!fields || !nameEntry) {
    if (fields) ctx.error(value, path, 'the event has no name; write event: { name: <name> }');
    return undefined;
  }
  const name = readPlainName(ctx, nameEntry.value, nameEntry.path, 'event');
  if (name !== undefined) checkDeclaredRef(ctx, nameEntry.value, nameEntry.path, name, 'event');
  const data = emptyVars();
  const dataEntry = fields.get('data');
  let ok = true;
  if (dataEntry) {
    const map = ctx.mapping(
      dataEntry.value,
      dataEntry.path,
      'the request data, e.g. data: { order_id: "123456" }',
    );
    if (!map) ok = false;
    for (const entry of map ? ctx.entries(map, dataEntry.path) : []) {
      const text = readScalar(ctx, entry.value, entry.path, 'a data value is a string or number');
      if (text === undefined) ok = false;
      else data[entry.key] = text;
    }
  }
  return name === undefined || !ok ? undefined : { kind: 'event', name, data };
};

/** One reader per input kind; adding a kind to TestInput fails to type-check until it is here. */
const INPUTS: { readonly [K in TestInput['kind']]: InputReader } = {
  new_chat,
  say,
  press,
  timer,
  event,
};
const INPUT_KEYS = Object.keys(INPUTS) as Array<TestInput['kind']>;

function compileExchange(
  node: Node | null,
  path: string,
  ctx: CompileContext,
): TestExchange | undefined {
  const fields = ctx.fields(
    node,
    path,
    [...INPUT_KEYS, 'returns', 'bot', 'handoff'],
    `an exchange: one input (${INPUT_KEYS.join(', ')}) and optionally returns, bot and handoff, e.g. { say: hello, bot: [Hi] }`,
  );
  if (!fields) return undefined;
  const inputs = INPUT_KEYS.filter((key) => fields.has(key));
  if (inputs.length !== 1) {
    const message =
      inputs.length === 0
        ? `the exchange has no input; add one of ${INPUT_KEYS.join(', ')}, e.g. - say: hello`
        : `an exchange has exactly one input but this one has ${inputs.join(', ')}; put each in its own list item starting with "-"`;
    ctx.error(inputs.length === 0 ? node : fields.get(inputs[1])?.keyNode, path, message);
    return undefined;
  }
  const input = INPUTS[inputs[0]](fields.get(inputs[0]) as Entry, ctx);
  const out: TestExchange = { input: input as TestInput, line: ctx.lineOf(node) };
  let ok = input !== undefined;
  const bot = fields.get('bot');
  if (bot) {
    const expected = compileBot(bot, ctx);
    if (expected === undefined) ok = false;
    else out.bot = expected;
  }
  const returns = fields.get('returns');
  if (returns) {
    const stubs = compileReturns(returns, ctx);
    if (stubs === undefined) ok = false;
    else out.returns = stubs;
  }
  const handoff = fields.get('handoff');
  if (handoff) {
    const expected = compileHandoff(handoff, ctx);
    if (expected === undefined) ok = false;
    else out.handoff = expected;
  }
  return ok ? out : undefined;
}

const BOT_HINT =
  'a list of messages: a text, or a keyboard by its button ids, e.g. bot: [Hello, { buttons: [[yes, no]] }]';

function compileBot({ value, path }: Entry, ctx: CompileContext): ExpectedMessage[] | undefined {
  const list = ctx.sequence(value, path, BOT_HINT);
  if (!list) return undefined;
  const out: ExpectedMessage[] = [];
  let ok = true;
  list.items.forEach((item, i) => {
    const at = indexPath(path, i);
    const node = ctx.deref(item, at);
    const message = isMap(node) ? expectedKeyboard(node, at, ctx) : expectedText(node, at, ctx);
    if (message) out.push(message);
    else ok = false;
  });
  return ok ? out : undefined;
}

function expectedText(node: Node | null, path: string, ctx: CompileContext) {
  const text = readScalar(
    ctx,
    node,
    path,
    `expected the exact text of a message or { buttons: [[<id>, ...]] }; the bot is ${BOT_HINT}`,
  );
  return text === undefined ? undefined : { text };
}

function expectedKeyboard(node: YAMLMap, path: string, ctx: CompileContext) {
  const fields = ctx.fields(
    node,
    path,
    ['buttons'],
    'a keyboard: { buttons: [[yes, no], [human]] }',
  );
  const entry = fields?.get('buttons');
  if (!fields || !entry) {
    // An unknown key was reported already; one message per mistake.
    if (fields && node.items.length === 0)
      ctx.error(node, path, 'write the keyboard as { buttons: [[yes, no], [human]] }');
    return undefined;
  }
  const rows = ctx.sequence(
    entry.value,
    entry.path,
    'rows of button ids, e.g. [[yes, no], [human]]',
  );
  if (!rows) return undefined;
  if (rows.items.length === 0) {
    ctx.error(entry.value, entry.path, 'the keyboard has no rows; write [[yes, no]]');
    return undefined;
  }
  const out: string[][] = [];
  let ok = true;
  rows.items.forEach((rowItem, r) => {
    const rowPath = indexPath(entry.path, r);
    const row = ctx.sequence(ctx.deref(rowItem, rowPath), rowPath, 'a row of ids, e.g. [yes, no]');
    if (!row || row.items.length === 0) {
      if (row) ctx.error(row, rowPath, 'the row is empty; list the ids of its buttons');
      ok = false;
      return;
    }
    out.push(
      row.items.map((item, b) => {
        const at = indexPath(rowPath, b);
        const id = readButtonId(ctx, ctx.deref(item, at), at);
        if (id === undefined) ok = false;
        return id ?? '';
      }),
    );
  });
  return ok ? { buttons: out } : undefined;
}

function compileHandoff({ value, path }: Entry, ctx: CompileContext): boolean | string | undefined {
  if (isScalar(value) && typeof value.value === 'boolean') return value.value;
  if (isScalar(value) && typeof value.value === 'string' && value.value.trim() !== '')
    return value.value;
  ctx.error(
    value,
    path,
    `${describe(value)} does not fit here; write handoff: true (any reason), handoff: <reason> or handoff: false`,
  );
  return undefined;
}

const RETURN_HINT =
  "what a call or llm step returns: { status: 200, json: { state: shipped } }, { error: refused }, { timeout: true }, { text: 'Hello' } or { label: refund }; add delay: 3s to a status or a text to make it late";
const RETURN_KINDS = ['status', 'error', 'timeout', 'text', 'label'] as const;
const DELAY = /^([0-9]+)(ms|s)$/;

/** `returns:` — the outcome of each call or llm step the exchange reaches, in order. */
function compileReturns({ value, path }: Entry, ctx: CompileContext): TestReturn[] | undefined {
  const list = ctx.sequence(value, path, `a list, each ${RETURN_HINT}`);
  if (!list) return undefined;
  const out: TestReturn[] = [];
  let ok = true;
  list.items.forEach((item, i) => {
    const at = indexPath(path, i);
    const stub = compileReturn(ctx.deref(item, at), at, ctx);
    if (stub) out.push(stub);
    else ok = false;
  });
  return ok ? out : undefined;
}

function compileReturn(
  node: Node | null,
  path: string,
  ctx: CompileContext,
): TestReturn | undefined {
  const fields = ctx.fields(node, path, [...RETURN_KINDS, 'json', 'delay'], RETURN_HINT);
  if (!fields) return undefined;
  const kinds = RETURN_KINDS.filter((key) => fields.has(key));
  if (kinds.length !== 1) {
    ctx.error(node, path, `write one outcome: ${RETURN_HINT}`);
    return undefined;
  }
  const kind = kinds[0];
  const entry = fields.get(kind) as Entry;
  const json = fields.get('json');
  const delayEntry = fields.get('delay');
  const misplaced =
    json && kind !== 'status'
      ? json
      : delayEntry && (kind === 'error' || kind === 'timeout')
        ? delayEntry
        : undefined;
  if (misplaced) {
    ctx.error(
      misplaced.keyNode,
      misplaced.path,
      `${misplaced.key} does not go with ${kind}; ${RETURN_HINT}`,
    );
    return undefined;
  }
  let delayMs: number | undefined;
  if (delayEntry) {
    const raw: unknown = isScalar(delayEntry.value) ? delayEntry.value.value : undefined;
    const match = typeof raw === 'string' ? DELAY.exec(raw) : null;
    delayMs =
      typeof raw === 'number' && Number.isInteger(raw) && raw >= 0
        ? raw
        : match
          ? Number(match[1]) * (match[2] === 's' ? 1000 : 1)
          : undefined;
    if (delayMs === undefined) {
      ctx.error(
        delayEntry.value,
        delayEntry.path,
        `${describe(delayEntry.value)} is not a delay; write e.g. delay: 3s or delay: 1500ms`,
      );
      return undefined;
    }
  }
  const late = delayMs === undefined ? {} : { delayMs };
  switch (kind) {
    case 'status': {
      const status: unknown = isScalar(entry.value) ? entry.value.value : undefined;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
        ctx.error(
          entry.value,
          entry.path,
          `${describe(entry.value)} is not an HTTP status; write 100 to 599, e.g. status: 200`,
        );
        return undefined;
      }
      return json
        ? { kind: 'response', status, json: json.value?.toJSON() as unknown, ...late }
        : { kind: 'response', status, ...late };
    }
    case 'error': {
      const message = readScalar(
        ctx,
        entry.value,
        entry.path,
        'say what went wrong, e.g. error: connection refused',
      );
      return message === undefined ? undefined : { kind: 'error', message };
    }
    case 'timeout':
      if (isScalar(entry.value) && entry.value.value === true) return { kind: 'timeout' };
      ctx.error(
        entry.value,
        entry.path,
        `${describe(entry.value)} does not fit here; write timeout: true`,
      );
      return undefined;
    case 'text':
    case 'label': {
      const text = readScalar(
        ctx,
        entry.value,
        entry.path,
        `write the model's answer, e.g. ${kind}: ${kind === 'text' ? "'Hello'" : 'refund'}`,
      );
      return text === undefined ? undefined : { kind: 'text', text, ...late };
    }
  }
}
