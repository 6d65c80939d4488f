import { compileAgent } from './compile-agent';
import type { CompiledAgent } from './model';
import { runAgentTests } from './run-agent-tests';
import { WEBIM, yaml } from './spec-helpers';

/** A small agent (lines 1-27) followed by the given tests (from line 29). */
const AGENT = [
  'start: menu',
  'on_chat_started: init',
  'timers: { nudge: { after: 1m, goto: nudge } }',
  'events: { escalate: escalate, loop: loop }',
  'branches:',
  '  init:',
  '    - set: { who: "{{channel_visitor_firstname}}" }',
  '  menu:',
  '    - say: "Hi {{who}}"',
  '    - buttons: [[{ id: yes, text: "Yes, {{who}}" }, { id: no, text: No }], [{ id: human, text: Person }]]',
  '    - wait: {}',
  '    - route:',
  '        - { button: human, goto: human }',
  '        - { text: operator, goto: human }',
  '        - { goto: echo }',
  '  echo:',
  '    - say: "You said {{client_message}} ({{channel_conversation_id}}, {{channel_chat_id}}, {{channel_visitor_id}}, {{channel_visitor_account}}, {{channel_visitor_location}})"',
  '    - start_timer: nudge',
  '    - wait: {}',
  '  human: [{ handoff: visitor_asked }]',
  '  nudge:',
  '    - say: "Still there?"',
  '    - wait: {}',
  '  escalate:',
  '    - handoff: escalated',
  '  loop:',
  '    - goto: loop',
  'tests:',
];

const agentWithTests = (...tests: string[]): CompiledAgent =>
  compileAgent(yaml(...AGENT, ...tests), WEBIM).agent;

describe('runAgentTests', () => {
  it('passes a conversation whose expectations hold', () => {
    const agent = agentWithTests(
      '  - name: presses and says',
      '    conversation:',
      '      - new_chat: { firstname: Ann, username: ann1, location: Berlin }',
      '        bot:',
      '          - Hi Ann',
      '          - buttons: [[yes, no], [human]]',
      '        handoff: false',
      '      - press: yes',
      '        bot: ["You said Yes, Ann (test-chat, test-chat|webim, test-visitor, ann1, Berlin)"]',
      '      - timer: nudge',
      '        bot: ["Still there?"]',
      '      - say: operator',
      '        bot: []',
    );
    expect(runAgentTests(agent, WEBIM)).toEqual([
      { name: 'presses and says', passed: true, failures: [] },
    ]);
  });

  it('reports a failing exchange with its number, line and a readable diff, then stops', () => {
    const agent = agentWithTests(
      '  - name: wrong',
      '    conversation:',
      '      - new_chat: { firstname: Bo }',
      '        bot: ["Hi Bo", { buttons: [[yes], [human]] }]',
      '      - say: never checked',
      '        bot: [nothing]',
    );
    const [result] = runAgentTests(agent, WEBIM);
    expect(result).toEqual({
      name: 'wrong',
      passed: false,
      failures: [
        {
          exchange: 1,
          line: 31,
          message: 'exchange 1 (line 31): message 2: expected [yes | human], got [yes, no | human]',
          expected: '"Hi Bo"\n[yes | human]',
          actual: '"Hi Bo"\n[yes, no | human]',
        },
      ],
    });
  });

  it.each([
    [
      'a missing message',
      '["Hi ", { buttons: [[yes, no], [human]] }, More]',
      'expected 3 messages, got 2 messages; missing message 3: "More"',
    ],
    [
      'an extra message',
      '["Hi "]',
      'expected 1 message, got 2 messages; unexpected message 2: [yes, no | human]',
    ],
    ['silence', '[]', 'expected 0 messages, got 2 messages; unexpected message 1: "Hi "'],
    ['a different text', '["Hi\\nthere"]', 'message 1: expected "Hi\\nthere", got "Hi "'],
  ])('describes %s', (_what, bot, message) => {
    const agent = agentWithTests(
      '  - name: t',
      '    conversation:',
      `      - { new_chat: {}, bot: ${bot} }`,
    );
    expect(runAgentTests(agent, WEBIM)[0].failures[0].message).toBe(
      `exchange 1 (line 31): ${message}`,
    );
  });

  it('renders no messages as (no messages)', () => {
    const agent = agentWithTests(
      '  - name: t',
      '    conversation:',
      '      - new_chat: {}',
      '      - { say: operator, bot: [Bye] }',
    );
    expect(runAgentTests(agent, WEBIM)[0].failures[0]).toMatchObject({
      exchange: 2,
      line: 32,
      expected: '"Bye"',
      actual: '(no messages)',
    });
  });

  it.each([
    ['true', 'no', 'expected a hand-off (any reason), got none'],
    ['visitor_asked', 'no', 'expected a hand-off, reason visitor_asked, got none'],
    ['other', 'operator', 'expected hand-off reason other, got visitor_asked'],
    ['false', 'operator', 'expected no hand-off, got one with reason visitor_asked'],
  ])('checks handoff: %s', (handoff, say, message) => {
    const agent = agentWithTests(
      '  - name: t',
      '    conversation:',
      '      - new_chat: {}',
      `      - { say: ${say}, handoff: ${handoff} }`,
    );
    const [failure] = runAgentTests(agent, WEBIM)[0].failures;
    expect(failure.message).toBe(`exchange 2 (line 32): ${message}`);
    expect(failure.expected).toMatch(/hand-off/);
    expect(failure.actual).toMatch(/hand-off/);
  });

  it('explains a proactive hand-off, which shows on the next visitor message', () => {
    const agent = agentWithTests(
      '  - name: escalates',
      '    conversation:',
      '      - new_chat: {}',
      '      - { event: escalate, bot: [], handoff: false }',
      '      - { say: hello, bot: [], handoff: escalated }',
      '  - name: expects it too early',
      '    conversation:',
      '      - new_chat: {}',
      '      - { event: escalate, handoff: true }',
    );
    const [early, late] = runAgentTests(agent, WEBIM).reverse();
    expect(late.passed).toBe(true);
    expect(early.failures[0].message).toBe(
      "exchange 2 (line 37): expected a hand-off (any reason), got none (a hand-off reached by an event waits for the visitor's next message; expect it there)",
    );
  });

  it('fails a timer that was never started: in production it could not fire', () => {
    const agent = agentWithTests(
      '  - name: t',
      '    conversation:',
      '      - { timer: nudge, bot: ["Still there?"] }',
    );
    expect(runAgentTests(agent, WEBIM)[0].failures[0].message).toBe(
      'exchange 1 (line 31): timer "nudge" cannot fire: it was never started, or it was cancelled',
    );
  });

  it("fails a timer that the visitor's message cancelled", () => {
    const agent = agentWithTests(
      '  - name: t',
      '    conversation:',
      '      - new_chat: {}',
      '      - say: hello',
      '      - say: again',
      '      - timer: nudge',
    );
    // "hello" started the timer in echo; "again" cancelled it (cancel_on_message by default).
    expect(runAgentTests(agent, WEBIM)[0].failures[0].message).toBe(
      'exchange 4 (line 34): timer "nudge" cannot fire: it was never started, or it was cancelled',
    );
  });

  it('lets a started timer fire once', () => {
    const agent = agentWithTests(
      '  - name: t',
      '    conversation:',
      '      - new_chat: {}',
      '      - say: hello',
      '      - { timer: nudge, bot: ["Still there?"] }',
      '      - timer: nudge',
    );
    expect(runAgentTests(agent, WEBIM)[0].failures[0].message).toMatch(/exchange 4 .*cannot fire/);
  });

  it('presses with the caption on screen, else the id', () => {
    const agent = agentWithTests(
      '  - name: caption',
      '    conversation:',
      '      - new_chat: { firstname: Ann }',
      '      - { press: no, bot: ["You said No (test-chat, test-chat|webim, test-visitor, , )"] }',
      '  - name: id without a keyboard',
      '    conversation:',
      '      - { press: no, bot: ["Hi ", { buttons: [[yes, no], [human]] }, "You said no (test-chat, test-chat|webim, , , )"] }',
    );
    expect(
      runAgentTests(agent, WEBIM).map((r) => [r.name, r.passed, r.failures[0]?.message]),
    ).toEqual([
      ['caption', true, undefined],
      ['id without a keyboard', true, undefined],
    ]);
  });

  it('reports a turn that fails as a failure of its test, and runs the next test', () => {
    const agent = agentWithTests(
      '  - name: loops',
      '    conversation:',
      '      - new_chat: {}',
      '      - event: loop',
      '      - say: never',
      '  - name: fine',
      '    conversation:',
      '      - new_chat: {}',
    );
    const [loops, fine] = runAgentTests(agent, { ...WEBIM, maxSteps: 20 });
    expect(loops).toEqual({
      name: 'loops',
      passed: false,
      failures: [
        {
          exchange: 2,
          line: 32,
          message:
            'exchange 2 (line 32): the turn failed (step_limit): the turn ran more than 20 steps (last in branch "loop"); the scenario probably loops',
        },
      ],
    });
    expect(fine.passed).toBe(true);
  });

  it('runs nothing for an agent without tests', () => {
    expect(runAgentTests(agentWithTests('  []'), WEBIM)).toEqual([]);
    const old = { start: 'a', branches: {} } as unknown as CompiledAgent;
    expect(runAgentTests(old, WEBIM)).toEqual([]);
  });
});
