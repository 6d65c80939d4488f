import { compileAgent } from './compile-agent';
import { runAgentTests } from './run-agent-tests';
import { onlyError, WEBIM, yaml } from './spec-helpers';

// Agent tests of call and llm steps: each exchange says what the steps it reaches return.

/** An agent (lines 1-21) followed by the given tests (from line 23). */
const AGENT = [
  'start: ask',
  'branches:',
  '  ask:',
  '    - say: "Order number?"',
  '    - wait: { save: order }',
  '    - call:',
  "        url: 'https://shop.example.com/orders/{{order}}?k={{secret.SHOP_KEY}}'",
  '        timeout: 2s',
  '        save: { state: body.status }',
  '        on: { error: sorry, timeout: slow }',
  '    - say: "Order {{order}} is {{state}}"',
  '    - llm: { mode: classify, prompt: "{{client_message}}", labels: [more, bye], save: next, on: { timeout: slow } }',
  '    - route: [{ if: { var: next, eq: bye }, goto: bye }, { goto: ask }]',
  '  sorry:',
  '    - say: "The shop is down"',
  '    - wait: {}',
  '  slow:',
  '    - say: "The shop is slow"',
  '    - wait: {}',
  '  bye: [{ llm: { prompt: "Say goodbye", then: later, on: { timeout: slow } } }]',
  '',
  'tests:',
];

const run = (...tests: string[]) =>
  runAgentTests(compileAgent(yaml(...AGENT, ...tests), WEBIM).agent, WEBIM);

describe('runAgentTests with returns', () => {
  it('passes with each step stubbed: a response, a label, a later reply', () => {
    const [result] = run(
      '  - name: found',
      '    conversation:',
      '      - new_chat: {}',
      "      - say: 'A-1'",
      '        returns: [{ status: 200, json: { status: shipped } }, { label: bye }, { text: "**Bye** {{order}}" }]',
      "        bot: ['Order A-1 is shipped', 'Bye {{order}}']",
      '        handoff: false',
    );
    expect(result).toEqual({ name: 'found', passed: true, failures: [] });
  });

  it('routes errors, timeouts and late answers to their branches', () => {
    const results = run(
      '  - name: down',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ error: refused }], bot: ['The shop is down'] }",
      '  - name: not found',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ status: 404 }], bot: ['The shop is down'] }",
      '  - name: slow',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ timeout: true }], bot: ['The shop is slow'] }",
      '  - name: late',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ status: 200, delay: 2s }], bot: ['The shop is slow'] }",
      '  - name: in time, then no label',
      '    conversation:',
      '      - new_chat: {}',
      "      - say: 'A-1'",
      '        returns: [{ status: 200, delay: 1999ms }, { text: maybe }]',
      "        bot: ['Order A-1 is ']",
      '        handoff: llm_failed',
    );
    expect(results.map((r) => [r.name, r.passed, r.failures.map((f) => f.message)])).toEqual(
      results.map((r) => [r.name, true, []]),
    );
  });

  it('fails a test whose exchange reaches a step it does not describe, naming the request without secret values', () => {
    const [result] = run(
      '  - name: undescribed',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', bot: ['Order A-1 is shipped'] }",
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      {
        exchange: 2,
        line: 26,
        message:
          "exchange 2 (line 26): the call GET https://shop.example.com/orders/A-1?k=<secret SHOP_KEY> was not described; add its outcome to this exchange's returns, e.g. returns: [{ status: 200, json: { ... } }]",
      },
    ]);
  });

  it('fails on an outcome of the wrong kind, on outcomes left over, and on wrong messages', () => {
    const results = run(
      '  - name: text for a call',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ text: hi }] }",
      '  - name: left over',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ error: x }, { timeout: true }] }",
      '  - name: wrong text',
      '    conversation:',
      '      - new_chat: {}',
      "      - { say: 'A-1', returns: [{ status: 200, json: { status: lost } }, { label: more }], bot: ['Order A-1 is shipped'] }",
    );
    expect(results.map((r) => r.failures.map((f) => f.message))).toEqual([
      [expect.stringMatching(/returns\[0\]: a text answers an llm step, but the call GET .* came/)],
      [
        expect.stringMatching(
          /returns describes 2 outcomes but the exchange reached 1 call or llm step/,
        ),
      ],
      [
        expect.stringMatching(
          /message 1: expected "Order A-1 is shipped", got "Order A-1 is lost"/,
        ),
      ],
    ]);
  });

  it('reports a malformed returns at its line and column', () => {
    const source = (stub: string) =>
      yaml(...AGENT, '  - name: t', '    conversation:', `      - { say: hi, returns: [${stub}] }`);
    expect(
      onlyError(source('{ status: 999 }'), 'tests[0].conversation[0].returns[0].status'),
    ).toMatchObject({ line: 25 });
    expect(
      onlyError(source('{ error: x, delay: 1s }'), 'tests[0].conversation[0].returns[0].delay')
        .message,
    ).toMatch(/does not go with error/);
    expect(
      onlyError(source('{ status: 200, text: x }'), 'tests[0].conversation[0].returns[0]').message,
    ).toMatch(/write one outcome/);
    expect(
      onlyError(source('{ timeout: false }'), 'tests[0].conversation[0].returns[0].timeout')
        .message,
    ).toMatch(/timeout: true/);
    expect(
      onlyError(source('{ text: x, delay: soon }'), 'tests[0].conversation[0].returns[0].delay')
        .message,
    ).toMatch(/not a delay/);
  });
});
