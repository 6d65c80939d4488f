import { compileAgent } from './compile-agent';
import { ScenarioError } from './errors';
import type { CompiledAgent, ConversationState, TurnInput, TurnResult } from './model';
import { runTurn } from './run-turn';
import { WEBIM, yaml } from './spec-helpers';

const agentOf = (...lines: string[]) => compileAgent(yaml(...lines), WEBIM).agent;
const opts = { maxSteps: 100 };

const chatStarted = (agent: CompiledAgent, vars: Record<string, string> = {}, text?: string) =>
  runTurn(
    agent,
    null,
    text === undefined ? { kind: 'chat_started', vars } : { kind: 'chat_started', vars, text },
    opts,
  );
const write = (agent: CompiledAgent, state: ConversationState | null, text: string, vars = {}) =>
  runTurn(agent, state, { kind: 'text', text, vars }, opts);
const press = (
  agent: CompiledAgent,
  state: ConversationState | null,
  id: string,
  text: string,
  vars = {},
) => runTurn(agent, state, { kind: 'button', id, text, vars }, opts);

/** Texts of the text messages, in order. */
const said = (result: TurnResult) =>
  result.messages.flatMap((m) => (m.type === 'text' ? [m.text] : []));

const NO_DECLARATIONS = { variables: {}, timers: {}, events: {}, tests: [] };

const waiting = (
  branch: string,
  step: number,
  vars: Record<string, string> = {},
  turns = 1,
): ConversationState => ({
  v: 1,
  status: 'waiting',
  branch,
  step,
  vars,
  turns,
});

/** A menu: keyboard, wait, route by button and text, with an else. */
const menu = agentOf(
  'start: menu',
  'branches:',
  '  menu:',
  '    - say: "Pick one, {{name}}"',
  '    - buttons: [[{ id: tea, text: "Tea for {{name}}" }, { id: coffee, text: Coffee }]]',
  '    - wait: { save: choice }',
  '    - route:',
  '        - { button: tea, goto: tea }',
  '        - { text: "coffee|espresso", goto: coffee }',
  '        - { text: "^пока$", goto: bye }',
  '        - { goto: unknown }',
  '  tea:',
  '    - say: "Tea it is ({{choice}}, {{client_message}})"',
  '  coffee:',
  '    - say: "Coffee it is"',
  '    - wait: {}',
  '    - say: "after second wait"',
  '  bye:',
  '    - handoff: true',
  '  unknown:',
  '    - say: "Sorry"',
  '    - goto: menu',
);

describe('runTurn: steps', () => {
  it('say renders templates, one message per step', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - say: "Hi {{ name }}{{nope}}"',
      '    - say: second',
    );
    const result = chatStarted(agent, { name: 'Ann' });
    expect(result.messages).toEqual([
      { type: 'text', text: 'Hi Ann' },
      { type: 'text', text: 'second' },
    ]);
  });

  it('buttons render their texts but not their ids, and messages keep their order', () => {
    const result = chatStarted(menu, { name: 'Bo' });
    expect(result.messages).toEqual([
      { type: 'text', text: 'Pick one, Bo' },
      {
        type: 'keyboard',
        buttons: [
          [
            { id: 'tea', text: 'Tea for Bo' },
            { id: 'coffee', text: 'Coffee' },
          ],
        ],
      },
    ]);
  });

  it('wait stops the turn and points at itself', () => {
    const result = chatStarted(menu);
    expect(result.state).toEqual(waiting('menu', 2));
    expect(result.steps).toBe(3);
    expect(result.handoff).toBeNull();
  });

  it('wait stores the input in client_message and in its save variable', () => {
    const result = press(menu, chatStarted(menu).state, 'tea', 'Tea for you');
    expect(said(result)).toEqual(['Tea it is (Tea for you, Tea for you)']);
    expect(result.state.vars).toEqual({ choice: 'Tea for you', client_message: 'Tea for you' });
  });

  it('route matches buttons by id', () => {
    expect(said(press(menu, waiting('menu', 2), 'tea', 'whatever'))).toEqual([
      'Tea it is (whatever, whatever)',
    ]);
  });

  it('route matches text case-insensitively, anywhere in the text, with unicode', () => {
    expect(said(write(menu, waiting('menu', 2), 'An ESPRESSO please'))).toEqual(['Coffee it is']);
    expect(said(write(menu, waiting('menu', 2), 'ПОКА'))).toEqual([]);
    expect(write(menu, waiting('menu', 2), 'ПОКА').handoff).toEqual({ reason: 'bot_handoff' });
  });

  it('route matches a pressed button by its text too', () => {
    expect(said(press(menu, waiting('menu', 2), 'coffee', 'Coffee'))).toEqual(['Coffee it is']);
  });

  it('route does not match a button id against text cases or text against button cases', () => {
    const result = write(menu, waiting('menu', 2), 'tea');
    expect(said(result)).toEqual(['Sorry', 'Pick one, ']);
  });

  it('route takes the first matching case', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - wait: {}',
      '    - route: [{ text: a, goto: first }, { text: ab, goto: second }, { goto: second }]',
      '  first:',
      '    - say: first',
      '  second:',
      '    - say: second',
    );
    expect(said(write(agent, waiting('a', 0), 'ab'))).toEqual(['first']);
  });

  it('a case with both button and text matches only when both do', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - buttons: [[{ id: y, text: Y }, { id: n, text: Yes }]]',
      '    - wait: {}',
      '    - route: [{ button: y, text: "^yes$", goto: ok }, { goto: no }]',
      '  ok:',
      '    - say: ok',
      '  no:',
      '    - say: no',
    );
    expect(said(press(agent, waiting('a', 1), 'y', 'Yes'))).toEqual(['ok']);
    expect(said(press(agent, waiting('a', 1), 'y', 'Y'))).toEqual(['no']);
    expect(said(press(agent, waiting('a', 1), 'n', 'Yes'))).toEqual(['no']);
    expect(said(write(agent, waiting('a', 1), 'YES'))).toEqual(['no']);
  });

  it('route without a match goes on with the next step', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - wait: {}',
      '    - route: [{ text: x, goto: b }]',
      '    - say: fell through',
      '  b:',
      '    - say: b',
    );
    expect(said(write(agent, waiting('a', 0), 'nothing'))).toEqual(['fell through']);
  });

  it('route before any input in the turn matches only the else case', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - route: [{ text: ".*", goto: b }, { goto: c }]',
      '  b:',
      '    - say: b',
      '  c:',
      '    - say: c',
    );
    expect(said(chatStarted(agent))).toEqual(['c']);
    // A pending input is not an input yet: no wait has consumed it.
    expect(said(chatStarted(agent, {}, 'hello'))).toEqual(['c']);
    expect(said(write(agent, null, 'hello'))).toEqual(['c']);
  });

  it('the consumed input stays available to routes in later branches of the turn', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - wait: {}',
      '    - goto: b',
      '  b:',
      '    - route: [{ text: again, goto: c }, { goto: d }]',
      '  c:',
      '    - say: c',
      '  d:',
      '    - say: d',
    );
    expect(said(write(agent, waiting('a', 0), 'again'))).toEqual(['c']);
  });

  it('set renders values against the vars before the step, as strings', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - set: { x: "{{in}}!", y: "[{{x}}]", n: 5, b: false }',
      '    - set: { z: "{{x}}{{y}}" }',
      '    - end: true',
    );
    const result = chatStarted(agent, { in: 'i', x: 'old' });
    expect(result.state.vars).toEqual({
      in: 'i',
      x: 'i!',
      y: '[old]',
      n: '5',
      b: 'false',
      z: 'i![old]',
    });
  });

  it('goto jumps to step 0 of its branch', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - goto: b',
      '  b:',
      '    - say: b0',
      '    - say: b1',
    );
    expect(said(chatStarted(agent))).toEqual(['b0', 'b1']);
  });

  it('pause sums milliseconds', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - pause: 500',
      '    - say: hi',
      '    - pause: 700',
    );
    const result = chatStarted(agent);
    expect(result.pauseMs).toBe(1200);
    expect(said(result)).toEqual(['hi']);
  });

  it('end stops with status ended at the end step', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - say: bye',
      '    - end: true',
      '    - say: never',
    );
    const result = chatStarted(agent);
    expect(result.state).toMatchObject({ status: 'ended', branch: 'a', step: 1 });
    expect(said(result)).toEqual(['bye']);
    expect(result.handoff).toBeNull();
  });

  it('handoff stops with status handed_off and reports its reason', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - say: moment',
      '    - handoff: visitor_asked',
      '    - say: never',
    );
    const result = chatStarted(agent);
    expect(result.state).toMatchObject({ status: 'handed_off', branch: 'a', step: 1 });
    expect(result.handoff).toEqual({ reason: 'visitor_asked' });
    expect(said(result)).toEqual(['moment']);
  });

  it('falling off the end of a branch ends the conversation', () => {
    const agent = agentOf('start: a', 'branches:', '  a:', '    - say: one', '    - say: two');
    const result = chatStarted(agent);
    expect(result.state).toMatchObject({ status: 'ended', branch: 'a', step: 2 });
    expect(result.steps).toBe(2);
  });
});

describe('runTurn: conditions, files and variables', () => {
  const ages = agentOf(
    'start: a',
    'variables: { vip: "no", greeting: Hello }',
    'branches:',
    '  a:',
    '    - say: "{{greeting}}, how old are you?"',
    '    - wait: { save: age }',
    '    - route:',
    '        - { text: "^vip$", if: { var: vip, eq: "yes" }, goto: vip }',
    '        - { if: { var: age, gte: 18 }, goto: adult }',
    '        - { if: [{ var: age, matches: "^\\\\d+$" }, { var: age, lt: 18 }], goto: minor }',
    '        - { goto: unsure }',
    '  vip:',
    '    - say: vip',
    '  adult:',
    '    - say: "adult ({{age}})"',
    '  minor:',
    '    - say: minor',
    '  unsure:',
    '    - say: unsure',
  );

  it.each([
    ['18', 'adult (18)'],
    [' 42 ', 'adult ( 42 )'],
    ['7', 'minor'],
    ['-3', 'unsure'],
    ['old', 'unsure'],
    ['vip', 'unsure'],
  ])('routes on the variables: %j', (age, answer) => {
    expect(said(write(ages, waiting('a', 1), age))).toEqual([answer]);
  });

  it('a case holds only when its text and its if both hold', () => {
    expect(said(write(ages, waiting('a', 1, { vip: 'yes' }), 'VIP'))).toEqual(['vip']);
  });

  it('starts fresh conversations with the agent variables, under the channel ones', () => {
    const result = chatStarted(ages, { greeting: 'Hi', channel_chat_id: 'c' });
    expect(said(result)).toEqual(['Hi, how old are you?']);
    expect(result.state.vars).toEqual({ vip: 'no', greeting: 'Hi', channel_chat_id: 'c' });
    expect(write(ages, null, '20').state.vars).toMatchObject({ vip: 'no', greeting: 'Hello' });
  });

  it('does not add the agent variables to a conversation that goes on', () => {
    const result = write(ages, waiting('a', 1, { age: '1' }), '30');
    expect(result.state.vars).toEqual({ age: '30', client_message: '30' });
  });

  it('routes on if before any input, where button and text cases do not hold', () => {
    const agent = agentOf(
      'start: a',
      'variables: { plan: gold }',
      'branches:',
      '  a:',
      '    - route:',
      '        - { text: ".*", goto: b }',
      '        - { if: { var: plan, eq: gold }, goto: c }',
      '        - { goto: b }',
      '  b:',
      '    - say: b',
      '  c:',
      '    - say: c',
    );
    expect(said(chatStarted(agent))).toEqual(['c']);
    expect(said(chatStarted(agent, { plan: 'basic' }))).toEqual(['b']);
    expect(said(write(agent, null, 'hello'))).toEqual(['c']);
  });

  it('file sends "<name>: <url>" with templates, or the url alone', () => {
    const agent = agentOf(
      'start: a',
      'variables: { id: "7", label: "" }',
      'branches:',
      '  a:',
      '    - file: { url: "https://x.io/{{id}}.pdf", name: "Invoice {{id}}" }',
      '    - file: { url: "https://x.io/a.pdf" }',
      '    - file: { url: "https://x.io/b.pdf", name: "{{label}}" }',
    );
    expect(chatStarted(agent).messages).toEqual([
      { type: 'text', text: 'Invoice 7: https://x.io/7.pdf' },
      { type: 'text', text: 'https://x.io/a.pdf' },
      { type: 'text', text: 'https://x.io/b.pdf' },
    ]);
  });

  it('says Markdown as plain text', () => {
    const agent = agentOf('start: a', 'branches:', '  a:', '    - say: "**Hi** _{{name}}_"');
    expect(said(chatStarted(agent, { name: 'snake_case' }))).toEqual(['Hi snake_case']);
  });
});

describe('runTurn: starting conversations', () => {
  const withInit = agentOf(
    'start: a',
    'on_chat_started: init',
    'branches:',
    '  init:',
    '    - set: { who: "{{channel_visitor_firstname}}" }',
    '  a:',
    '    - say: "Hi {{who}}"',
    '    - wait: { save: first }',
    '    - say: "got {{first}}"',
    '    - wait: { save: second }',
    '    - say: "got {{second}} too"',
  );

  it('chat_started without text runs on_chat_started, then start', () => {
    const result = chatStarted(withInit, { channel_visitor_firstname: 'Ann' });
    expect(said(result)).toEqual(['Hi Ann']);
    expect(result.state).toEqual(waiting('a', 1, { channel_visitor_firstname: 'Ann', who: 'Ann' }));
    expect(result.steps).toBe(3);
  });

  it('chat_started with only whitespace counts as without text', () => {
    expect(said(chatStarted(withInit, { channel_visitor_firstname: 'Ann' }, ' \n '))).toEqual([
      'Hi Ann',
    ]);
  });

  it('chat_started with text skips on_chat_started; the first wait consumes the text', () => {
    const result = chatStarted(withInit, { channel_visitor_firstname: 'Ann' }, 'pre-chat');
    expect(said(result)).toEqual(['Hi ', 'got pre-chat']);
    expect(result.state).toEqual(
      waiting('a', 3, {
        channel_visitor_firstname: 'Ann',
        first: 'pre-chat',
        client_message: 'pre-chat',
      }),
    );
  });

  it('chat_started begins afresh even when a conversation is waiting', () => {
    const result = runTurn(
      withInit,
      waiting('a', 3, { old: 'x' }, 7),
      { kind: 'chat_started', vars: {} },
      opts,
    );
    expect(result.state).toEqual(waiting('a', 1, { who: '' }, 1));
  });

  it('drops a pending input that no wait consumes', () => {
    const agent = agentOf('start: a', 'branches:', '  a:', '    - say: hi');
    const result = chatStarted(agent, {}, 'hello');
    expect(result.state).toMatchObject({ status: 'ended', vars: {} });
  });

  it.each([
    ['no state', null],
    ['an ended one', { ...waiting('a', 1, { old: 'x' }, 4), status: 'ended' } as ConversationState],
    [
      'a handed-off one',
      { ...waiting('a', 1, { old: 'x' }, 4), status: 'handed_off' } as ConversationState,
    ],
  ])('text with %s starts a fresh conversation with the text pending', (_what, state) => {
    const result = write(withInit, state, 'hello', { v: '1' });
    expect(said(result)).toEqual(['Hi ', 'got hello']);
    expect(result.state).toEqual(
      waiting('a', 3, { v: '1', first: 'hello', client_message: 'hello' }, 1),
    );
  });

  it('a button with no state starts a fresh conversation with the button pending', () => {
    const result = press(menu, null, 'tea', 'Tea');
    expect(said(result)).toEqual(['Pick one, ', 'Tea it is (Tea, Tea)']);
    expect(result.state.status).toBe('ended');
  });
});

describe('runTurn: continuing conversations', () => {
  it('merges the input vars over the stored ones and counts turns', () => {
    const state = waiting('menu', 2, { name: 'Old', keep: 'k' }, 3);
    const result = write(menu, state, 'coffee', { name: 'New' });
    expect(result.state).toEqual(
      waiting(
        'coffee',
        1,
        { name: 'New', keep: 'k', choice: 'coffee', client_message: 'coffee' },
        4,
      ),
    );
  });

  it('the second wait of a turn stops it and the next turn continues after it', () => {
    const first = write(menu, waiting('menu', 2), 'coffee');
    expect(first.state).toMatchObject({ branch: 'coffee', step: 1 });
    const second = write(menu, first.state, 'anything');
    expect(said(second)).toEqual(['after second wait']);
    expect(second.state).toMatchObject({
      status: 'ended',
      turns: 3,
      vars: { client_message: 'anything' },
    });
  });

  it('does not report a restart when the position still is a wait', () => {
    const result = write(menu, waiting('menu', 2), 'coffee');
    expect('restarted' in result).toBe(false);
    expect('ignored' in result).toBe(false);
    expect(result.effects).toEqual([]);
  });

  it('counts the wait that consumes the input as a step', () => {
    // menu's wait and route, then coffee's say and the wait that stops the turn.
    expect(write(menu, waiting('menu', 2), 'coffee').steps).toBe(4);
  });

  it.each([
    ['a missing branch', waiting('gone', 2)],
    ['a step past the end', waiting('menu', 99)],
    ['a step that is not a wait', waiting('menu', 0)],
    ['a negative step', waiting('menu', -1)],
    ['a fractional step', waiting('menu', 1.5)],
    ['an inherited branch name', waiting('constructor', 0)],
  ])('restarts at start with the input pending on %s', (_what, state) => {
    const result = write(menu, { ...state, vars: { name: 'Ann' }, turns: 5 }, 'espresso');
    expect(result.restarted).toEqual({ from: `${state.branch}[${state.step}]` });
    expect(said(result)).toEqual(['Pick one, Ann', 'Coffee it is']);
    expect(result.state).toMatchObject({ status: 'waiting', branch: 'coffee', step: 1, turns: 6 });
    expect(result.state.vars).toEqual({
      name: 'Ann',
      choice: 'espresso',
      client_message: 'espresso',
    });
  });

  it.each([
    ['vars null', { ...waiting('menu', 2), vars: null }],
    ['vars a string', { ...waiting('menu', 2), vars: 'x' }],
    ['no fields but status', { status: 'waiting' }],
    ['turns not a number', { ...waiting('menu', 2), turns: 'many' }],
    ['an unknown status', { ...waiting('menu', 2), status: 'sleeping' }],
    ['a string', 'waiting'],
    ['an array', []],
  ])('tolerates a state with %s', (_what, state) => {
    const result = write(menu, state as unknown as ConversationState, 'coffee');
    expect(said(result)).toContain('Coffee it is');
    expect(Number.isInteger(result.state.turns)).toBe(true);
  });

  it('ignores non-string input vars and never pollutes prototypes', () => {
    const vars = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": "c", "n": 1, "o": {}}',
    );
    const result = write(
      menu,
      waiting('menu', 2, JSON.parse('{"__proto__": "p"}')),
      'coffee',
      vars,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result.state.vars).sort()).toEqual([
      '__proto__',
      'choice',
      'client_message',
      'constructor',
      'n',
    ]);
    expect(result.state.vars.__proto__).toBe('p');
    expect(JSON.parse(JSON.stringify(result.state.vars))).toMatchObject({
      constructor: 'c',
      n: '1',
    });
  });

  it('set can store a variable called __proto__ without touching any prototype', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - set: { __proto__: x, constructor: y }',
      '    - say: "{{__proto__}}{{constructor}}"',
    );
    const result = chatStarted(agent);
    expect(said(result)).toEqual(['xy']);
    expect(Object.getPrototypeOf(result.state.vars)).toBeNull();
    expect(Object.prototype).not.toHaveProperty('x');
  });
});

describe('runTurn: limits and errors', () => {
  const loop = agentOf(
    'start: a',
    'branches:',
    '  a:',
    '    - say: again',
    '    - goto: b',
    '  b:',
    '    - goto: a',
  );

  it('throws ScenarioError on a goto loop', () => {
    expect(() => chatStarted(loop)).toThrow(ScenarioError);
    try {
      chatStarted(loop);
    } catch (error) {
      expect(error).toMatchObject({ name: 'ScenarioError', code: 'step_limit' });
      expect((error as Error).message).toMatch(/more than 100 steps/);
    }
  });

  it('allows exactly maxSteps steps', () => {
    const agent = agentOf(
      'start: a',
      'branches:',
      '  a:',
      '    - say: one',
      '    - say: two',
      '    - say: three',
    );
    const input: TurnInput = { kind: 'chat_started', vars: {} };
    expect(runTurn(agent, null, input, { maxSteps: 3 }).steps).toBe(3);
    expect(() => runTurn(agent, null, input, { maxSteps: 2 })).toThrow(ScenarioError);
  });

  it('counts on_chat_started steps toward the limit', () => {
    const agent = agentOf(
      'start: a',
      'on_chat_started: i',
      'branches:',
      '  i:',
      '    - set: { x: "1" }',
      '  a:',
      '    - say: hi',
    );
    expect(() => runTurn(agent, null, { kind: 'chat_started', vars: {} }, { maxSteps: 1 })).toThrow(
      ScenarioError,
    );
  });

  it.each([0, -1, 1.5, NaN, Infinity])('rejects maxSteps %p', (maxSteps) => {
    expect(() => runTurn(loop, null, { kind: 'chat_started', vars: {} }, { maxSteps })).toThrow(
      RangeError,
    );
  });

  it('throws ScenarioError on a goto to a branch the agent lacks', () => {
    const broken: CompiledAgent = {
      ...NO_DECLARATIONS,
      start: 'a',
      branches: { a: [{ kind: 'goto', branch: 'toString' }] },
    };
    expect(() => chatStarted(broken)).toThrow(expect.objectContaining({ code: 'unknown_branch' }));
    const noStart: CompiledAgent = { ...NO_DECLARATIONS, start: 'gone', branches: {} };
    expect(() => write(noStart, null, 'hi')).toThrow(ScenarioError);
  });

  it('throws ScenarioError on a step it does not know', () => {
    const broken = { start: 'a', branches: { a: [{ kind: 'dance' }] } } as unknown as CompiledAgent;
    expect(() => chatStarted(broken)).toThrow(expect.objectContaining({ code: 'invalid_agent' }));
  });
});

describe('runTurn: purity', () => {
  function deepFreeze<T>(value: T): T {
    if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
      Object.freeze(value);
    }
    return value;
  }

  it('does not mutate the agent, the state or the input', () => {
    const agent = agentOf(
      'start: a',
      'on_chat_started: i',
      'branches:',
      '  i:',
      '    - set: { x: "1" }',
      '  a:',
      '    - set: { y: "2" }',
      '    - wait: { save: s }',
      '    - route: [{ goto: a }]',
    );
    const state = waiting('a', 1, { keep: 'k' }, 2);
    const input: TurnInput = { kind: 'text', text: 'hi', vars: { v: '1' } };
    const snapshot = JSON.stringify([agent, state, input]);
    deepFreeze(agent);
    deepFreeze(state);
    deepFreeze(input);
    const result = runTurn(agent, state, input, opts);
    expect(JSON.stringify([agent, state, input])).toBe(snapshot);
    expect(result.state).not.toBe(state);
    expect(result.state.vars).not.toBe(state.vars);
    expect(result.state.vars).toEqual({ keep: 'k', v: '1', s: 'hi', client_message: 'hi', y: '2' });
    const started = runTurn(
      agent,
      null,
      deepFreeze({ kind: 'chat_started', vars: { a: 'b' } }),
      opts,
    );
    expect(started.state.vars).toEqual({ a: 'b', x: '1', y: '2' });
  });

  it('gives equal results for equal calls', () => {
    const state = waiting('menu', 2, { name: 'A' });
    expect(write(menu, state, 'coffee')).toEqual(write(menu, state, 'coffee'));
  });
});
