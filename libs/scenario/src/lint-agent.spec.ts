import { compileAgent } from './compile-agent';
import { WEBIM, yaml } from './spec-helpers';

const warningsOf = (...lines: string[]) => compileAgent(yaml(...lines), WEBIM).warnings;

const DEFERRED =
  "in v1 a hand-off can only answer a visitor; it is deferred to the chat's next request and the messages before it are not shown";

describe('compileAgent: a hand-off a timer or an event can reach', () => {
  it('warns at the hand-off, naming the timer', () => {
    const warnings = warningsOf(
      'start: a',
      'timers: { t: { after: 1m, goto: late } }',
      'branches:',
      '  a:',
      '    - start_timer: t',
      '    - wait: {}',
      '  late:',
      '    - say: "Nobody answered"',
      '    - handoff: timeout',
    );
    expect(warnings).toEqual([
      {
        severity: 'warning',
        path: 'branches.late[1]',
        line: 9,
        column: 7,
        message: `timer "t" can reach this hand-off before the visitor answers: ${DEFERRED}. Ask the visitor and wait for the answer before handing off`,
      },
    ]);
  });

  it('follows goto and the route cases that hold without input, once per hand-off', () => {
    const warnings = warningsOf(
      'start: a',
      'variables: { vip: "" }',
      'timers: { t: { after: 1m, goto: hub } }',
      'events: { e: hub, f: direct }',
      'branches:',
      '  a:',
      '    - wait: {}',
      '  hub:',
      '    - goto: router',
      '  router:',
      '    - route:',
      '        - { text: help, goto: by_text }',
      '        - { if: { var: vip, set: true }, goto: by_if }',
      '        - { goto: by_else }',
      '  by_text:',
      '    - handoff: text',
      '  by_if:',
      '    - handoff: if',
      '  by_else:',
      '    - goto: hub',
      '  direct:',
      '    - handoff: true',
    );
    expect(warnings.map((w) => [w.path, w.line, w.message.slice(0, 20)])).toEqual([
      ['branches.by_if[0]', 18, 'timer "t" can reach '],
      ['branches.direct[0]', 22, 'event "f" can reach '],
    ]);
  });

  it('follows the outcomes of call and llm steps', () => {
    const warnings = warningsOf(
      'start: a',
      'events: { check: check }',
      'branches:',
      '  a: [{ wait: {} }]',
      '  check:',
      "    - call: { url: 'https://shop.example.com/x', on: { error: down, timeout: a } }",
      '    - llm: { prompt: p, on: { ok: a, timeout: slow } }',
      '  down: [{ handoff: shop_down }]',
      '  slow: [{ handoff: llm_slow }]',
    );
    expect(warnings.map((w) => [w.path, w.message.split(':')[0]])).toEqual([
      ['branches.down[0]', 'event "check" can reach this hand-off before the visitor answers'],
      ['branches.slow[0]', 'event "check" can reach this hand-off before the visitor answers'],
    ]);
  });

  it('stops at a wait, an end, or a route with an else case', () => {
    const warnings = warningsOf(
      'start: a',
      'timers: { t: { after: 1m, goto: waits }, u: { after: 1m, goto: ends } }',
      'events: { e: routes }',
      'branches:',
      '  a:',
      '    - wait: {}',
      '  waits:',
      '    - say: still there?',
      '    - wait: {}',
      '    - handoff: after_answer',
      '  ends:',
      '    - end: true',
      '    - handoff: never',
      '  routes:',
      '    - route: [{ goto: a }]',
      '    - handoff: never',
    );
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/never run/),
      expect.stringMatching(/never run/),
    ]);
  });
});

describe('compileAgent: unknown variables', () => {
  it('warns where a template names a variable nothing sets', () => {
    const warnings = warningsOf(
      'start: a',
      'branches:',
      '  a:',
      '    - say: "Hi {{nmae}} and {{ nmae }}"',
      '    - wait: {}',
    );
    expect(warnings).toEqual([
      {
        severity: 'warning',
        path: 'branches.a[0].say',
        line: 4,
        column: 12,
        message:
          'unknown variable nmae renders as empty; no variables:, set or wait: { save } gives it a value and it is not a channel variable; check the spelling or declare it under variables:',
      },
    ]);
  });

  it('knows variables from variables:, set and wait: { save }, wherever they are', () => {
    expect(
      warningsOf(
        'start: a',
        'variables: { plan: basic }',
        'branches:',
        '  a:',
        '    - say: "{{plan}} {{later}} {{answer}}"',
        '    - wait: { save: answer }',
        '    - goto: b',
        '  b:',
        '    - set: { later: "x" }',
        '    - wait: {}',
      ),
    ).toEqual([]);
  });

  it('knows channel variables, client_message and event data', () => {
    const names = [
      'channel_conversation_id',
      'channel_chat_id',
      'channel_visitor_id',
      'channel_visitor_firstname',
      'channel_visitor_lastname',
      'channel_visitor_account',
      'channel_visitor_phone',
      'channel_visitor_email',
      'channel_visitor_location',
      'client_message',
      'event_order_id',
      'event_anything',
    ];
    const say = names.map((name) => `{{${name}}}`).join(' ');
    expect(
      warningsOf('start: a', 'branches:', '  a:', `    - say: "${say}"`, '    - wait: {}'),
    ).toEqual([]);
  });

  it('checks button texts, set values, file urls and names, and if.var', () => {
    const warnings = warningsOf(
      'start: a',
      'branches:',
      '  a:',
      '    - buttons: [[{ id: x, text: "{{b1}}" }]]',
      '    - set: { v: "{{s1}}" }',
      '    - file: { url: "https://x.io/{{f1}}", name: "{{f2}}" }',
      '    - wait: {}',
      '    - route: [{ if: { var: i1, eq: 1 }, goto: a }, { goto: a }]',
    );
    expect(warnings.map((w) => [w.path, w.line, w.column, w.message.split(' renders')[0]])).toEqual(
      [
        ['branches.a[0].buttons[0][0].text', 4, 33, 'unknown variable b1'],
        ['branches.a[1].set.v', 5, 17, 'unknown variable s1'],
        ['branches.a[2].file.url', 6, 20, 'unknown variable f1'],
        ['branches.a[2].file.name', 6, 49, 'unknown variable f2'],
        ['branches.a[4].route[0].if.var', 8, 28, 'unknown variable i1'],
      ],
    );
  });

  it('does not check test texts, which are not templates', () => {
    expect(
      warningsOf(
        'start: a',
        'branches:',
        '  a:',
        '    - say: hi',
        '    - wait: {}',
        'tests:',
        '  - { name: t, conversation: [{ say: "{{x}}", bot: ["{{y}}"] }] }',
      ),
    ).toEqual([]);
  });
});
