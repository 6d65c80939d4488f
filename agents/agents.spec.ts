// Every agent under agents/ (the demo and the examples) must fit agent.schema.json, which
// editors use for completion and help, and must train: compile without errors and pass its own
// `tests:`. The schema is also checked against typical mistakes and against the compiler's keys.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import { isNode, LineCounter, parse, parseDocument } from 'yaml';
import { AgentTestOptions, trainAgent } from '@app/scenario';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';

const WEBIM: AgentTestOptions = { channel: WEBIM_CHANNEL_VARIABLES };

const AGENTS_DIR = __dirname;

const schema = JSON.parse(readFileSync(join(AGENTS_DIR, 'agent.schema.json'), 'utf8')) as {
  properties: Record<string, unknown>;
  definitions: Record<string, { properties: Record<string, unknown> }>;
};

// Strict, except that `oneOf: [{ required: [say] }, ...]` (exactly one key of the enclosing
// `properties`) is allowed. `patternErrorMessage` is the YAML language server's message for a
// failed pattern.
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  verbose: true,
});
ajv.addVocabulary(['patternErrorMessage']);
const validate = ajv.compile(schema);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : yamlFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

/** Schema errors as "line 12 /branches/welcome/0: must ...", one per line, for jest's diff. */
function schemaErrors(source: string): string[] {
  if (validate(parse(source))) return [];
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  const errors = validate.errors ?? [];
  // The "must have required property" errors of each alternative of such a oneOf are noise.
  const oneKeyOfs = new Set(errors.filter((e) => oneKeyOf(e)).map((e) => e.schemaPath));
  const alternative = (error: ErrorObject) =>
    error.keyword === 'required' && oneKeyOfs.has(error.schemaPath.replace(/\/\d+\/required$/, ''));
  return errors
    .filter((error) => !alternative(error))
    .map((error) => {
      const path = error.instancePath
        .split('/')
        .slice(1)
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      const node: unknown = doc.getIn(path, true);
      const at = isNode(node) && node.range ? `line ${lines.linePos(node.range[0]).line} ` : '';
      return `${at}${error.instancePath || '/'}: ${describeError(error)}`;
    });
}

/** `oneOf: [{ required: [say] }, { required: [buttons] }, ...]`: exactly one of these keys. */
function oneKeyOf(error: ErrorObject): string[] | undefined {
  if (error.keyword !== 'oneOf' || !Array.isArray(error.schema)) return undefined;
  const keys = (error.schema as { required?: unknown }[]).map((branch) =>
    Array.isArray(branch.required) && branch.required.length === 1 ? branch.required[0] : undefined,
  );
  return keys.every((key) => typeof key === 'string') ? (keys as string[]) : undefined;
}

function describeError(error: ErrorObject): string {
  const keys = oneKeyOf(error);
  if (keys) return `must have exactly one of the keys ${keys.join(', ')}`;
  return `${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}

/** Fails with the problems one per paragraph, unescaped, so long texts stay readable. */
function expectNone(title: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${title}:\n\n${problems.join('\n\n')}`);
}

const indent = (lines: string) => lines.replace(/^/gm, '    ');

function fits(source: string): boolean {
  return validate(parse(source)) === true;
}

const files = yamlFiles(AGENTS_DIR);

// The examples call the example shop `npm start` runs on loopback; validation rightly warns
// that a private address is usually a mistake, and that warning is the only one allowed.
const LOCAL_SHOP_WARNING = /^"127\.0\.0\.1" is a private or local address/;

describe('agents', () => {
  it('finds the demo and the examples', () => {
    const names = files.map((file) => relative(AGENTS_DIR, file));
    expect(names).toEqual(
      expect.arrayContaining([
        'demo.yaml',
        join('examples', 'order-status.yaml'),
        join('examples', 'phone-handoff.yaml'),
        join('examples', 'tea-assistant.yaml'),
      ]),
    );
  });

  describe.each(files.map((file) => [relative(AGENTS_DIR, file), file]))('%s', (name, file) => {
    const source = readFileSync(file, 'utf8');

    it('fits the schema', () => {
      expectNone(`${name} does not fit agent.schema.json`, schemaErrors(source));
    });

    it('trains: compiles without errors and passes all its tests', () => {
      const result = trainAgent(source, WEBIM);
      expectNone(`${name} does not train`, [
        ...result.errors.map(
          (issue) => `error ${issue.line}:${issue.column} ${issue.path}: ${issue.message}`,
        ),
        ...result.tests.flatMap((test) =>
          test.failures.map((failure) =>
            [
              `test "${test.name}": ${failure.message}`,
              ...(failure.expected === undefined ? [] : ['  expected:', indent(failure.expected)]),
              ...(failure.actual === undefined ? [] : ['  actual:', indent(failure.actual)]),
            ].join('\n'),
          ),
        ),
      ]);
      expect(result.errors).toEqual([]);
      expect(result.tests.map((test) => [test.name, test.passed])).toEqual(
        result.tests.map((test) => [test.name, true]),
      );
      expect(result.trained).toBe(true);
    });

    if (file.includes(`${join('agents', 'examples')}`)) {
      it('is an example: has no warnings (but its local shop) and at least 5 tests', () => {
        const result = trainAgent(source, WEBIM);
        expect(
          result.warnings
            .filter((issue) => !LOCAL_SHOP_WARNING.test(issue.message))
            .map((issue) => `${issue.line}:${issue.column} ${issue.message}`),
        ).toEqual([]);
        expect(result.tests.length).toBeGreaterThanOrEqual(5);
        expect(source.startsWith('# yaml-language-server: $schema=../agent.schema.json\n')).toBe(
          true,
        );
      });
    }
  });
});

describe('agent.schema.json', () => {
  const minimal = `
start: welcome
branches:
  welcome:
    - say: Hello
`;

  it('accepts a minimal agent and one using every key, as the compiler does', () => {
    expect(schemaErrors(minimal)).toEqual([]);
    const full = `
name: Everything
start: a
on_chat_started: init
variables: { tries: 0, plan: basic, vip: false, price: 9.5 }
timers:
  nudge: { after: 30s, goto: a, cancel_on_message: false }
  later: { after: 120000, goto: a }
  slow: { after: 1500ms, goto: a }
  week: { after: 168h, goto: a }
  min: { after: 10080m, goto: a }
  sec: { after: 604800s, goto: a }
  day: { after: 24h, goto: a }
events: { order.shipped-v2: a }
llm: { model: gpt-4o-mini, temperature: 0.2, max_tokens: 300, url: 'https://llm.example.com/v1', auth: { bearer: LLM_KEY } }
branches:
  init:
    - set: { name: '{{channel_visitor_firstname}}' }
  a:
    - say: '**Hi** {{name}}'
    - buttons: [[{ id: yes_1, text: Yes }, { id: no-1, text: No }], [{ id: X, text: x }]]
    - wait: { save: answer }
    - wait: {}
    - wait: true
    - route:
        - { button: yes_1, goto: a }
        - { button: [no-1, X], text: 'no|nope', goto: a }
        - { if: { var: tries, gte: 3, lt: 10 }, goto: a }
        - { if: [{ var: plan, eq: gold }, { var: vip, set: true }, { var: answer, contains: x, matches: '^x' }], goto: a }
        - { if: { var: plan, contains: 5, eq: 1.5, ne: true }, goto: a }
        - { if: { var: tries, ne: 1, lte: 2, gt: -1 }, goto: a }
        - { goto: a }
    - file: { url: 'https://example.com/a.pdf', name: Price list }
    - file: { url: 'http://example.com/b' }
    - file: { url: 'HTTPS://{{ host }}/files/{{ file_id }}.pdf', name: '{{file_name}}' }
    - start_timer: nudge
    - cancel_timer: nudge
    - pause: 1500
    - call:
        method: post
        url: 'https://shop.example.com/orders/{{answer}}?k={{secret.SHOP_KEY}}'
        headers: { X-Shop: '{{ secret.SHOP_ID }}', X-Order: '{{answer}}' }
        auth: { bearer: SHOP_TOKEN }
        json: { id: '{{answer}}', n: [1, true, null, { a: b }] }
        timeout: 2s
        save: { code: status, all: body, state: body.order.status, first: 'body.items[0].name' }
        on: { ok: a, error: a, timeout: a }
    - call: { method: PUT, url: 'http://shop.example.com/x', form: { a: '{{answer}}', n: 1 }, timeout: 1500, then: later }
    - call: { url: 'https://shop.example.com/x', on: {} }
    - llm: { prompt: 'Hi {{answer}}', system: 'Be brief', history: 20, model: m, temperature: 2, max_tokens: 1, timeout: 3s, on: { timeout: a }, then: later }
    - llm: { mode: reply, prompt: p }
    - llm: { mode: classify, prompt: p, labels: [x, y], fallback: x, save: topic }
    - goto: a
    - handoff: true
    - handoff: visitor_asked
    - end: true
tests:
  - name: everything
    conversation:
      - new_chat: {}
      - new_chat: { text: hi, vars: { channel_visitor_id: v1, n: 1 }, firstname: A, lastname: B, username: c, phone: '1', email: a@b.c, location: Riga }
        bot: ['Hi A', { buttons: [[yes_1, no-1], [X]] }]
        handoff: false
      - say: hello
        bot: []
      - press: yes_1
        handoff: true
      - timer: nudge
        handoff: visitor_asked
      - event: order.shipped-v2
      - event: { name: order.shipped-v2, data: { order_id: '1', n: 2, ok: true } }
      - new_chat:
      - say: 123456
        bot: [42, 'Order {{x}}']
        handoff: callback_requested
      - new_chat: { phone: 79001234567 }
      - say: x
        returns: [{ status: 200, json: { a: [1] }, delay: 10ms }, { status: 404 }, { error: refused }, { timeout: true }, { text: hi, delay: 1 }, { label: x }, { error: 500 }]
      - event: { name: order.shipped-v2, data: { order-id: '1' } }
`;
    expect(schemaErrors(full)).toEqual([]);
    expect(trainAgent(full, WEBIM).errors).toEqual([]);
  });

  // Each snippet has one typical mistake; the compiler must reject it too, so that the schema is
  // never stricter than the language.
  const invalid: [string, string][] = [
    ['an unknown top-level key', `${minimal}greeting: Hello\n`],
    ['no start', 'branches:\n  welcome:\n    - say: Hello\n'],
    ['no branches', 'start: welcome\n'],
    ['a branch with no steps', 'start: a\nbranches:\n  a: []\n'],
    ['a step with two keys', 'start: a\nbranches:\n  a:\n    - say: Hi\n      goto: a\n'],
    ['an unknown step', 'start: a\nbranches:\n  a:\n    - reply: Hi\n'],
    ['an empty step', 'start: a\nbranches:\n  a:\n    - {}\n'],
    ['an empty say', "start: a\nbranches:\n  a:\n    - say: ''\n"],
    [
      'a button id with a space',
      `start: a\nbranches:\n  a:\n    - buttons: [[{ id: 'a b', text: A }]]\n`,
    ],
    [
      'a button id over 24 characters',
      `start: a\nbranches:\n  a:\n    - buttons: [[{ id: ${'x'.repeat(25)}, text: A }]]\n`,
    ],
    ['a button without text', 'start: a\nbranches:\n  a:\n    - buttons: [[{ id: a }]]\n'],
    ['a numeric button id', 'start: a\nbranches:\n  a:\n    - buttons: [[{ id: 1, text: One }]]\n'],
    ['an empty keyboard row', 'start: a\nbranches:\n  a:\n    - buttons: [[]]\n'],
    ['buttons not in rows', 'start: a\nbranches:\n  a:\n    - buttons: [{ id: a, text: A }]\n'],
    ['a bad variable name in wait', "start: a\nbranches:\n  a:\n    - wait: { save: '1st' }\n"],
    ['wait: false', 'start: a\nbranches:\n  a:\n    - wait: false\n'],
    ['a bad variable name in set', "start: a\nbranches:\n  a:\n    - set: { 'my var': 1 }\n"],
    ['a list as a set value', 'start: a\nbranches:\n  a:\n    - set: { x: [1] }\n'],
    ['a route case without goto', 'start: a\nbranches:\n  a:\n    - route: [{ button: a }]\n'],
    [
      'a route case with an unknown key',
      'start: a\nbranches:\n  a:\n    - route: [{ when: a, goto: a }]\n',
    ],
    ['an empty route', 'start: a\nbranches:\n  a:\n    - route: []\n'],
    [
      'a bad button id in a route',
      "start: a\nbranches:\n  a:\n    - route: [{ button: 'a b', goto: a }]\n",
    ],
    [
      'a condition with an unknown operator',
      'start: a\nbranches:\n  a:\n    - route: [{ if: { var: x, equals: 1 }, goto: a }]\n',
    ],
    [
      'a condition without an operator',
      'start: a\nbranches:\n  a:\n    - route: [{ if: { var: x }, goto: a }]\n',
    ],
    [
      'a condition without var',
      'start: a\nbranches:\n  a:\n    - route: [{ if: { eq: 1 }, goto: a }]\n',
    ],
    [
      'gte with text',
      'start: a\nbranches:\n  a:\n    - route: [{ if: { var: x, gte: three }, goto: a }]\n',
    ],
    ['end: false', 'start: a\nbranches:\n  a:\n    - end: false\n'],
    ['handoff: false', 'start: a\nbranches:\n  a:\n    - handoff: false\n'],
    ['pause: 0', 'start: a\nbranches:\n  a:\n    - pause: 0\n'],
    ['a pause over 60 s', 'start: a\nbranches:\n  a:\n    - pause: 60001\n'],
    ['a pause with a unit', 'start: a\nbranches:\n  a:\n    - pause: 2s\n'],
    [
      'a file that is not http(s)',
      "start: a\nbranches:\n  a:\n    - file: { url: 'ftp://example.com/a' }\n",
    ],
    ['a file without url', 'start: a\nbranches:\n  a:\n    - file: { name: Prices }\n'],
    ['a duration in words', `${minimal}timers:\n  t: { after: 2 minutes, goto: welcome }\n`],
    ['a zero duration', `${minimal}timers:\n  t: { after: 0s, goto: welcome }\n`],
    ['a duration in days', `${minimal}timers:\n  t: { after: 2d, goto: welcome }\n`],
    ['a duration under 1 s', `${minimal}timers:\n  t: { after: 500ms, goto: welcome }\n`],
    ['a duration over 7 days', `${minimal}timers:\n  t: { after: 169h, goto: welcome }\n`],
    ['a bad timer name', `${minimal}timers:\n  'my timer': { after: 30s, goto: welcome }\n`],
    ['a duration under 1 s in ms', `${minimal}timers:\n  t: { after: 500, goto: welcome }\n`],
    [
      'a duration over 7 days in ms',
      `${minimal}timers:\n  t: { after: 604800001, goto: welcome }\n`,
    ],
    ['a timer without goto', `${minimal}timers:\n  t: { after: 30s }\n`],
    [
      'a timer with an unknown key',
      `${minimal}timers:\n  t: { after: 30s, goto: welcome, repeat: true }\n`,
    ],
    ['a bad event name', `${minimal}events:\n  'order shipped': welcome\n`],
    ['a call without url', 'start: a\nbranches:\n  a:\n    - call: { method: GET }\n'],
    ['a call to ftp', "start: a\nbranches:\n  a:\n    - call: { url: 'ftp://a.io' }\n"],
    [
      'a call with a bad method',
      "start: a\nbranches:\n  a:\n    - call: { url: 'https://a.io', method: FETCH }\n",
    ],
    [
      'a call timeout over 60 s',
      "start: a\nbranches:\n  a:\n    - call: { url: 'https://a.io', timeout: 61000 }\n",
    ],
    [
      'a call save from nowhere',
      "start: a\nbranches:\n  a:\n    - call: { url: 'https://a.io', save: { x: order.id } }\n",
    ],
    ['then: now', "start: a\nbranches:\n  a:\n    - call: { url: 'https://a.io', then: now }\n"],
    [
      'an unknown outcome',
      "start: a\nbranches:\n  a:\n    - call: { url: 'https://a.io', on: { failed: a } }\n",
    ],
    [
      'a secret value as bearer',
      "start: a\nbranches:\n  a:\n    - call: { url: 'https://a.io', auth: { bearer: 'sk-1' } }\n",
    ],
    ['an llm without prompt', 'start: a\nbranches:\n  a:\n    - llm: { mode: reply }\n'],
    ['an llm mode chat', 'start: a\nbranches:\n  a:\n    - llm: { prompt: p, mode: chat }\n'],
    [
      'an llm history over 20',
      'start: a\nbranches:\n  a:\n    - llm: { prompt: p, history: 21 }\n',
    ],
    [
      'one label',
      'start: a\nbranches:\n  a:\n    - llm: { prompt: p, mode: classify, labels: [x], save: t }\n',
    ],
    ['an llm block with a key', `${minimal}llm: { key: x }\n`],
    [
      'a returns status over 599',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - { say: hi, returns: [{ status: 600 }] }\n`,
    ],
    [
      'a returns with two outcomes',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - { say: hi, returns: [{ status: 200, text: x }] }\n`,
    ],
    ['a bad variable name', `${minimal}variables:\n  2fa: on\n`],
    ['a test without conversation', `${minimal}tests:\n  - name: t\n`],
    ['a test without name', `${minimal}tests:\n  - conversation: [{ say: hi }]\n`],
    [
      'an exchange with two inputs',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - say: hi\n        press: a\n`,
    ],
    [
      'an exchange without input',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - bot: [Hello]\n`,
    ],
    [
      'an exchange with an unknown key',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - say: hi\n        expect: [Hello]\n`,
    ],
    [
      'new_chat with an unknown field',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - new_chat: { first_name: A }\n`,
    ],
    [
      'bot as a single string',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - say: hi\n        bot: Hello\n`,
    ],
    [
      'a keyboard not in rows',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - say: hi\n        bot: [{ buttons: [a, b] }]\n`,
    ],
    ['a blank test name', `${minimal}tests:\n  - name: ' '\n    conversation: [{ say: hi }]\n`],
    [
      'an empty expected hand-off reason',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - say: hi\n        handoff: ''\n`,
    ],
    ['wait with nothing after it', 'start: a\nbranches:\n  a:\n    - wait:\n'],
    [
      'a file address with a space',
      "start: a\nbranches:\n  a:\n    - file: { url: 'https://example.com/a b.pdf' }\n",
    ],
    [
      'an empty contains',
      "start: a\nbranches:\n  a:\n    - route: [{ if: { var: x, contains: '' }, goto: a }]\n",
    ],
    [
      'an event without name',
      `${minimal}tests:\n  - name: t\n    conversation:\n      - event: { data: { a: 1 } }\n`,
    ],
  ];

  it('reports a mistake with its line and in words', () => {
    const source = 'start: a\nbranches:\n  a:\n    - say: Hi\n      goto: a\n';
    expect(schemaErrors(source)).toEqual([
      'line 4 /branches/a/0: must have exactly one of the keys say, buttons, wait, route, set, goto, handoff, end, pause, file, start_timer, cancel_timer, call, llm',
      'line 4 /branches/a/0: must NOT have more than 1 properties {"limit":1}',
    ]);
  });

  it.each(invalid)('rejects %s, as the compiler does', (_what, source) => {
    expect(() => parse(source)).not.toThrow();
    expect(fits(source)).toBe(false);
    expect(trainAgent(source, WEBIM).errors).not.toEqual([]);
  });

  // Keep these lists in sync with the compiler's tables in libs/scenario/src: TOP_LEVEL in
  // compile-agent.ts, STEP_COMPILERS in compile-steps.ts, the case keys in compile-route.ts,
  // OPERATORS in compile-conditions.ts, and INPUTS (plus bot, handoff) in compile-tests.ts.
  const STEP_KINDS = [
    'say',
    'buttons',
    'wait',
    'route',
    'set',
    'goto',
    'handoff',
    'end',
    'pause',
    'file',
    'start_timer',
    'cancel_timer',
    'call',
    'llm',
  ];
  const TOP_LEVEL_KEYS = [
    'name',
    'start',
    'on_chat_started',
    'variables',
    'timers',
    'events',
    'branches',
    'tests',
    'llm',
  ];
  const INPUT_KEYS = ['new_chat', 'say', 'press', 'timer', 'event'];
  const EXCHANGE_KEYS = [...INPUT_KEYS, 'returns', 'bot', 'handoff'];
  const AWAITING_KEYS = ['timeout', 'on', 'then'];
  const CALL_KEYS = ['method', 'url', 'headers', 'auth', 'json', 'form', 'save', ...AWAITING_KEYS];
  const LLM_STEP_KEYS = ['mode', 'prompt', 'system', 'history', 'labels', 'fallback', 'save'];
  const LLM_SETTINGS = ['model', 'temperature', 'max_tokens'];
  const LLM_KEYS = [...LLM_STEP_KEYS, ...LLM_SETTINGS, ...AWAITING_KEYS];
  const LLM_BLOCK_KEYS = [...LLM_SETTINGS, 'url', 'auth'];
  const stepProperties = (kind: string) =>
    (schema.definitions.step.properties[kind] as { properties: Record<string, unknown> })
      .properties;
  const CASE_KEYS = ['button', 'text', 'if', 'goto'];
  const CONDITION_KEYS = [
    'var',
    'eq',
    'ne',
    'lt',
    'lte',
    'gt',
    'gte',
    'contains',
    'matches',
    'set',
  ];

  it.each([
    ['top-level keys', schema.properties, TOP_LEVEL_KEYS],
    ['steps', schema.definitions.step.properties, STEP_KINDS],
    ['route case keys', schema.definitions.routeCase.properties, CASE_KEYS],
    ['condition operators', schema.definitions.condition.properties, CONDITION_KEYS],
    ['exchange keys', schema.definitions.exchange.properties, EXCHANGE_KEYS],
    ['call keys', stepProperties('call'), CALL_KEYS],
    ['llm step keys', stepProperties('llm'), LLM_KEYS],
    [
      'llm block keys',
      (schema.properties.llm as { properties: object }).properties,
      LLM_BLOCK_KEYS,
    ],
    ['outcomes', schema.definitions.ioOutcomes.properties, ['ok', 'error', 'timeout']],
  ])('has the keys of the compiler: %s', (_what, properties, keys) => {
    expect(Object.keys(properties).sort()).toEqual([...keys].sort());
  });

  it.each([
    ['a step', schema.definitions.step, STEP_KINDS],
    ['an exchange', schema.definitions.exchange, INPUT_KEYS],
  ])('requires exactly one key of %s', (_what, definition, keys) => {
    const oneOf = (definition as { oneOf?: { required: string[] }[] }).oneOf ?? [];
    expect(oneOf.map((branch) => branch.required)).toEqual(keys.map((key) => [key]));
  });

  it('describes every property for the editor', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (typeof record.properties === 'object' && record.properties !== null) {
        for (const [key, value] of Object.entries(record.properties)) {
          if (typeof (value as { description?: unknown }).description !== 'string')
            missing.push(`${path}/properties/${key}`);
        }
      }
      for (const [key, value] of Object.entries(record)) visit(value, `${path}/${key}`);
    };
    visit(schema, '#');
    expect(missing).toEqual([]);
  });
});
