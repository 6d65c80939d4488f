import { compileAgent } from './compile-agent';
import { onlyError, WEBIM, yaml } from './spec-helpers';

const HEAD = [
  'start: a',
  'timers: { t: { after: 1m, goto: a } }',
  'events: { shipped: a }',
  'branches:',
  '  a:',
  '    - buttons: [[{ id: yes, text: Yes }]]',
  '    - wait: {}',
  'tests:',
];

/** An agent with one test whose conversation (from line 11) has the given lines. */
const withExchanges = (...lines: string[]) =>
  yaml(...HEAD, '  - name: first', '    conversation:', ...lines.map((l) => `      ${l}`));

/** An agent with one test whose only exchange is `exchange`. */
const withExchange = (exchange: string) => withExchanges(`- ${exchange}`);

const testsOf = (source: string) => compileAgent(source, WEBIM).agent.tests;

describe('compileAgent: tests', () => {
  it('compiles every input, the expectations and the line of each exchange', () => {
    const tests = testsOf(
      withExchanges(
        '- new_chat: {}',
        '- new_chat:',
        '    text: hello',
        '    firstname: Ann',
        '    lastname: Lee',
        '    username: ann1',
        '    phone: +100',
        '    email: a@x.io',
        '    location: Berlin',
        '    vars: { channel_visitor_id: v-9, plan: gold, n: 007 }',
        '  bot:',
        '    - "Hello **Ann**"',
        '    - 42',
        '    - buttons: [[yes], [yes, yes]]',
        '  handoff: false',
        '- say: 123',
        '  bot: []',
        '  handoff: true',
        '- press: yes',
        '  handoff: visitor_asked',
        '- timer: t',
        '- event: shipped',
        '- event: { name: shipped, data: { order-id: A1, n: 5 } }',
        '- new_chat:',
      ),
    );
    const base = {
      channel_conversation_id: 'test-chat',
      channel_chat_id: 'test-chat|webim',
      channel_visitor_id: 'test-visitor',
    };
    expect(tests).toEqual([
      {
        name: 'first',
        exchanges: [
          { input: { kind: 'new_chat', vars: base }, line: 11 },
          {
            input: {
              kind: 'new_chat',
              text: 'hello',
              vars: {
                ...base,
                channel_visitor_firstname: 'Ann',
                channel_visitor_lastname: 'Lee',
                channel_visitor_account: 'ann1',
                channel_visitor_phone: '+100',
                channel_visitor_email: 'a@x.io',
                channel_visitor_location: 'Berlin',
                channel_visitor_id: 'v-9',
                plan: 'gold',
                n: '007',
              },
            },
            bot: [
              { text: 'Hello **Ann**' },
              { text: '42' },
              { buttons: [['yes'], ['yes', 'yes']] },
            ],
            handoff: false,
            line: 12,
          },
          { input: { kind: 'say', text: '123' }, bot: [], handoff: true, line: 26 },
          { input: { kind: 'press', id: 'yes' }, handoff: 'visitor_asked', line: 29 },
          { input: { kind: 'timer', name: 't' }, line: 31 },
          { input: { kind: 'event', name: 'shipped', data: {} }, line: 32 },
          {
            input: { kind: 'event', name: 'shipped', data: { 'order-id': 'A1', n: '5' } },
            line: 33,
          },
          { input: { kind: 'new_chat', vars: base }, line: 34 },
        ],
      },
    ]);
  });

  it('compiles several tests, in order, and an empty list', () => {
    const source = yaml(
      ...HEAD,
      '  - { name: one, conversation: [{ say: a }] }',
      '  - { name: two, conversation: [{ say: b }] }',
    );
    expect(testsOf(source).map((t) => t.name)).toEqual(['one', 'two']);
    expect(testsOf(yaml(...HEAD.slice(0, -1), 'tests: []'))).toEqual([]);
  });

  it.each([
    ['{}', '', /the exchange has no input; add one of new_chat, say, press, timer, event/],
    ['{ bot: [hi] }', '', /has no input/],
    [
      '{ say: hi, press: yes }',
      '',
      /an exchange has exactly one input but this one has say, press; put each in its own list item/,
    ],
    [
      '{ say: hi, expect: hi }',
      '.expect',
      /unknown key "expect"; allowed keys: new_chat, say, press, timer, event, returns, bot, handoff/,
    ],
    ['{ say: [hi] }', '.say', /a list does not fit here; write what the visitor writes/],
    ['{ press: "no way" }', '.press', /invalid button id "no way"/],
    ['{ timer: tt }', '.timer', /^unknown timer "tt"; declared timers: t$/],
    ['{ timer: "a b" }', '.timer', /invalid timer name "a b"/],
    ['{ event: paid }', '.event', /^unknown event "paid"; declared events: shipped$/],
    ['{ event: { name: paid } }', '.event.name', /unknown event "paid"/],
    ['{ event: { data: { a: 1 } } }', '.event', /the event has no name/],
    ['{ event: { name: shipped, data: [1] } }', '.event.data', /expected the request data/],
    [
      '{ event: { name: shipped, data: { a: [1] } } }',
      '.event.data.a',
      /a data value is a string or number/,
    ],
    [
      '{ new_chat: { first_name: Ann } }',
      '.new_chat.first_name',
      /allowed keys: text, firstname, lastname, username, phone, email, location, vars/,
    ],
    ['{ new_chat: hello }', '.new_chat', /expected new_chat: \{\} or new_chat: \{ firstname/],
    ['{ new_chat: { vars: { 1a: x } } }', '.new_chat.vars["1a"]', /invalid variable name "1a"/],
    ['{ new_chat: { vars: [x] } }', '.new_chat.vars', /expected channel variables/],
    ['{ new_chat: { text: [x] } }', '.new_chat.text', /write the text as text/],
    ['{ say: hi, bot: hi }', '.bot', /expected a list of messages/],
    ['{ say: hi, bot: [[hi]] }', '.bot[0]', /expected the exact text of a message or \{ buttons/],
    ['{ say: hi, bot: [{ text: hi }] }', '.bot[0].text', /allowed keys: buttons/],
    ['{ say: hi, bot: [{ buttons: [] }] }', '.bot[0].buttons', /the keyboard has no rows/],
    ['{ say: hi, bot: [{ buttons: [[]] }] }', '.bot[0].buttons[0]', /the row is empty/],
    ['{ say: hi, bot: [{ buttons: [yes] }] }', '.bot[0].buttons[0]', /expected a row of ids/],
    ['{ say: hi, bot: [{ buttons: [["a b"]] }] }', '.bot[0].buttons[0][0]', /invalid button id/],
    [
      '{ say: hi, handoff: [x] }',
      '.handoff',
      /a list does not fit here; write handoff: true \(any reason\), handoff: <reason> or handoff: false/,
    ],
    ['{ say: hi, handoff: "" }', '.handoff', /does not fit here/],
  ])('rejects the exchange %s', (exchange, at, message) => {
    const error = onlyError(withExchange(exchange), `tests[0].conversation[0]${at}`);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(11);
  });

  it.each([
    ['[a]', 'tests[0]', /expected a test: \{ name: <what it shows>, conversation/],
    ['{ name: x }', 'tests[0]', /a test needs a name and a conversation/],
    ['{ conversation: [{ say: a }] }', 'tests[0]', /needs a name/],
    ['{ name: "", conversation: [{ say: a }] }', 'tests[0].name', /empty; say what the test shows/],
    ['{ name: x, conversation: [] }', 'tests[0].conversation', /the conversation is empty/],
    [
      '{ name: x, conversation: { say: a } }',
      'tests[0].conversation',
      /expected a list of exchanges/,
    ],
    [
      '{ name: x, conversation: [{ say: a }], skip: true }',
      'tests[0].skip',
      /allowed keys: name, conversation/,
    ],
  ])('rejects the test %s', (test, path, message) => {
    expect(onlyError(yaml(...HEAD, `  - ${test}`), path).message).toMatch(message);
  });

  it('rejects tests that are not a list', () => {
    expect(onlyError(yaml(...HEAD, '  name: x'), 'tests').message).toMatch(
      /expected a list of tests/,
    );
  });

  it('rejects duplicate test names, pointing at the second', () => {
    const error = onlyError(
      yaml(
        ...HEAD,
        '  - { name: same, conversation: [{ say: a }] }',
        '  - { name: same, conversation: [{ say: b }] }',
      ),
      'tests[1].name',
    );
    expect(error).toMatchObject({ line: 10, column: 13 });
    expect(error.message).toBe(
      'duplicate test name "same" (also at tests[0]); give each test its own name',
    );
  });

  it('locates errors inside exchanges', () => {
    const source = withExchanges(
      '- new_chat: {}',
      '- say: hi',
      '  bot:',
      '    - buttons: [[yes, "a b"]]',
    );
    expect(onlyError(source, 'tests[0].conversation[1].bot[0].buttons[0][1]')).toMatchObject({
      line: 14,
      column: 29,
    });
    expect(
      onlyError(withExchanges('- say: hi', '  press: yes'), 'tests[0].conversation[0]'),
    ).toMatchObject({ line: 12, column: 9 });
  });

  it('warns about a press of a button no keyboard offers', () => {
    const { warnings } = compileAgent(withExchanges('- new_chat: {}', '- press: nope'), WEBIM);
    expect(warnings).toEqual([
      expect.objectContaining({
        path: 'tests[0].conversation[1].press',
        line: 12,
        column: 16,
        message: 'no buttons step offers a button with id "nope"; check the spelling',
      }),
    ]);
  });

  it('says how to declare an event when there is none', () => {
    const error = onlyError(
      yaml(
        'start: a',
        'branches: { a: [{ wait: {} }] }',
        'tests: [{ name: x, conversation: [{ event: paid }] }]',
      ),
      'tests[0].conversation[0].event',
    );
    expect(error.message).toBe(
      'unknown event "paid"; no events are declared; declare it at the top level, e.g. events: { paid: <branch> }',
    );
  });
});
