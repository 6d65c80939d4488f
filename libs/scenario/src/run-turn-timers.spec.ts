import { compileAgent } from './compile-agent';
import { ScenarioError } from './errors';
import type { CompiledAgent, ConversationState, TurnInput, TurnResult } from './model';
import { runTurn } from './run-turn';
import { WEBIM, yaml } from './spec-helpers';

const opts = { maxSteps: 100 };

const said = (result: TurnResult) =>
  result.messages.flatMap((m) => (m.type === 'text' ? [m.text] : []));

const agent = compileAgent(
  yaml(
    'start: a',
    'timers:',
    '  nudge: { after: 30s, goto: nudge }',
    '  sticky: { after: 1h, goto: late, cancel_on_message: false }',
    'events:',
    '  shipped: shipped',
    '  escalate: escalate',
    '  quiet: quiet',
    'branches:',
    '  a:',
    '    - say: "Ask me"',
    '    - start_timer: nudge',
    '    - start_timer: sticky',
    '    - wait: { save: answer }',
    '    - cancel_timer: sticky',
    '    - say: "got {{answer}}"',
    '    - wait: {}',
    '    - goto: a',
    '  nudge:',
    '    - say: "Still there?"',
    '    - route:',
    '        - { text: ".*", goto: a }',
    '        - { if: { var: answer, set: true }, goto: answered }',
    '        - { goto: waiting }',
    '  answered:',
    '    - say: "You said {{answer}}"',
    '    - wait: {}',
    '  waiting:',
    '    - start_timer: nudge',
    '    - wait: {}',
    '  late:',
    '    - end: true',
    '  shipped:',
    '    - say: "Order {{event_order_id}} ({{event_x_y}}, {{event_n}}) shipped"',
    '    - wait: {}',
    '    - say: "after shipped"',
    '  escalate:',
    '    - say: "A person will take over"',
    '    - handoff: escalated',
    '  quiet:',
    '    - end: true',
  ),
  WEBIM,
).agent;

const start = () => runTurn(agent, null, { kind: 'chat_started', vars: { c: '1' } }, opts);
const run = (state: ConversationState | null, input: TurnInput) =>
  runTurn(agent, state, input, opts);
const timer = (name: string): TurnInput => ({ kind: 'timer', name });
const event = (name: string, data: Record<string, string> = {}): TurnInput => ({
  kind: 'event',
  name,
  data,
});
const text = (t: string): TurnInput => ({ kind: 'text', text: t, vars: {} });

describe('runTurn: timer effects', () => {
  it('start_timer asks for the timer with its delay, in step order', () => {
    expect(start().effects).toEqual([
      { type: 'start_timer', name: 'nudge', delayMs: 30_000 },
      { type: 'start_timer', name: 'sticky', delayMs: 3_600_000 },
    ]);
  });

  it('a visitor message first cancels every timer that cancel_on_message, then runs', () => {
    const result = run(start().state, text('hi'));
    expect(result.effects).toEqual([
      { type: 'cancel_timer', name: 'nudge' },
      { type: 'cancel_timer', name: 'sticky' },
    ]);
    expect(said(result)).toEqual(['got hi']);
  });

  it('cancels on a button, on a message that starts afresh, but not on chat_started', () => {
    const press = run(null, { kind: 'button', id: 'x', text: 'X', vars: {} });
    expect(press.effects[0]).toEqual({ type: 'cancel_timer', name: 'nudge' });
    expect(press.effects.slice(1)).toEqual([
      { type: 'start_timer', name: 'nudge', delayMs: 30_000 },
      { type: 'start_timer', name: 'sticky', delayMs: 3_600_000 },
      { type: 'cancel_timer', name: 'sticky' },
    ]);
    expect(start().effects.some((e) => e.type === 'cancel_timer')).toBe(false);
  });

  it('always returns effects, empty when there are none', () => {
    const plain = compileAgent(
      yaml('start: a', 'branches:', '  a:', '    - wait: {}'),
      WEBIM,
    ).agent;
    expect(runTurn(plain, null, { kind: 'chat_started', vars: {} }, opts).effects).toEqual([]);
    expect(runTurn(plain, null, text('x'), opts).effects).toEqual([]);
  });

  it('throws invalid_agent for a timer step naming no declared timer', () => {
    const broken: CompiledAgent = {
      start: 'a',
      branches: { a: [{ kind: 'start_timer', timer: 'gone' }] },
      variables: {},
      timers: {},
      events: {},
      tests: [],
    };
    expect(() => runTurn(broken, null, { kind: 'chat_started', vars: {} }, opts)).toThrow(
      expect.objectContaining({ code: 'invalid_agent' }),
    );
  });
});

describe('runTurn: proactive turns', () => {
  it('a timer runs its branch from the start with nothing pending', () => {
    const started = start();
    const result = run(started.state, timer('nudge'));
    // `text: ".*"` does not hold without an input; answer is unset, so the else case.
    expect(said(result)).toEqual(['Still there?']);
    expect(result.effects).toEqual([{ type: 'start_timer', name: 'nudge', delayMs: 30_000 }]);
    expect(result.state).toEqual({
      v: 1,
      status: 'waiting',
      branch: 'waiting',
      step: 1,
      vars: { c: '1' },
      turns: 2,
    });
    expect(result.steps).toBe(4);
    expect(result.handoff).toBeNull();
    expect('ignored' in result).toBe(false);
  });

  it('routes a proactive turn on variables, and the visitor goes on from where it waits', () => {
    const answered = run(start().state, text('blue'));
    const result = run(answered.state, timer('nudge'));
    expect(said(result)).toEqual(['Still there?', 'You said blue']);
    expect(result.state).toMatchObject({ branch: 'answered', step: 1, turns: 3 });
    expect(said(run(result.state, text('ok')))).toEqual([]);
  });

  it('an event sets event_<key> from its data, with keys made variable names', () => {
    const result = run(
      start().state,
      event('shipped', { order_id: 'A-1', 'x-y': 'dash', n: 5 as unknown as string }),
    );
    expect(said(result)).toEqual(['Order A-1 (dash, 5) shipped']);
    expect(result.state.vars).toEqual({
      c: '1',
      event_order_id: 'A-1',
      event_x_y: 'dash',
      event_n: '5',
    });
    expect(said(run(result.state, text('thanks')))).toEqual(['after shipped']);
  });

  it('keeps data keys like __proto__ as plain variables', () => {
    const data = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
    const result = run(start().state, event('shipped', data));
    expect(result.state.vars.event___proto__).toBe('p');
    expect(result.state.vars.event_constructor).toBe('c');
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('an end in a proactive turn ends the conversation', () => {
    const result = run(start().state, event('quiet'));
    expect(result.state).toMatchObject({ status: 'ended', branch: 'quiet', step: 0 });
  });

  it.each([
    ['no state', null],
    ['an ended state', { ...start().state, status: 'ended' } as ConversationState],
    ['a handed-off state', { ...start().state, status: 'handed_off' } as ConversationState],
    ['a pending hand-off', { ...start().state, pendingHandoff: 'x' } as ConversationState],
    ['an unknown status', { ...start().state, status: 'sleeping' } as unknown as ConversationState],
  ])('ignores a timer or an event with %s', (_what, state) => {
    for (const input of [timer('nudge'), event('shipped', { order_id: '1' }), timer('nope')]) {
      const result = run(state, input);
      expect(result).toMatchObject({
        ignored: true,
        messages: [],
        effects: [],
        steps: 0,
        pauseMs: 0,
        handoff: null,
      });
      if (state) expect(result.state).toEqual(state);
      else
        expect(result.state).toEqual({
          v: 1,
          status: 'ended',
          branch: 'a',
          step: 0,
          vars: {},
          turns: 0,
        });
    }
  });

  it('the state of an ignored input without state acts like no state', () => {
    const ignored = run(null, timer('nudge')).state;
    expect(run(ignored, text('hi'))).toEqual(run(null, text('hi')));
  });

  it('throws unknown_event for a timer or an event the agent does not declare', () => {
    const { state } = start();
    for (const input of [timer('gone'), event('gone'), timer('constructor'), event('toString')]) {
      expect(() => run(state, input)).toThrow(ScenarioError);
      expect(() => run(state, input)).toThrow(expect.objectContaining({ code: 'unknown_event' }));
    }
  });

  it('tolerates an agent compiled before timers and events existed', () => {
    const old = { start: 'a', branches: { a: [{ kind: 'wait' }] } } as unknown as CompiledAgent;
    const started = runTurn(old, null, { kind: 'chat_started', vars: { x: '1' } }, opts);
    expect(started.state.vars).toEqual({ x: '1' });
    expect(runTurn(old, started.state, text('hi'), opts).effects).toEqual([]);
    expect(() => runTurn(old, started.state, timer('t'), opts)).toThrow(
      expect.objectContaining({ code: 'unknown_event' }),
    );
  });
});

describe('runTurn: a hand-off in a proactive turn', () => {
  it('waits for the next visitor request, where the conversation was waiting', () => {
    const started = start();
    const escalated = run(started.state, event('escalate'));
    expect(said(escalated)).toEqual(['A person will take over']);
    expect(escalated.handoff).toBeNull();
    expect(escalated.state).toEqual({
      ...started.state,
      turns: 2,
      pendingHandoff: 'escalated',
    });

    const next = run(escalated.state, { kind: 'button', id: 'b', text: 'B', vars: { v: '2' } });
    expect(next.handoff).toEqual({ reason: 'escalated' });
    expect(next.messages).toEqual([]);
    expect(next.steps).toBe(0);
    expect(next.effects).toEqual([{ type: 'cancel_timer', name: 'nudge' }]);
    expect(next.state).toEqual({
      v: 1,
      status: 'handed_off',
      branch: 'a',
      step: 3,
      vars: { c: '1', v: '2' },
      turns: 3,
    });
    expect('pendingHandoff' in next.state).toBe(false);
  });

  it('is dropped by a new chat', () => {
    const escalated = run(start().state, event('escalate'));
    const fresh = run(escalated.state, { kind: 'chat_started', vars: {} });
    expect(fresh.handoff).toBeNull();
    expect(said(fresh)).toEqual(['Ask me']);
    expect(fresh.state.pendingHandoff).toBeUndefined();
  });

  it('survives a round trip through JSON', () => {
    const escalated = run(start().state, event('escalate'));
    const stored = JSON.parse(JSON.stringify(escalated.state)) as ConversationState;
    expect(run(stored, text('hello')).handoff).toEqual({ reason: 'escalated' });
  });
});

describe('runTurn: proactive purity', () => {
  it('does not mutate the state or the input', () => {
    const { state } = start();
    const input = event('shipped', { order_id: '1' });
    const snapshot = JSON.stringify([state, input]);
    Object.freeze(state);
    Object.freeze(state.vars);
    Object.freeze(input);
    const result = run(state, input);
    expect(JSON.stringify([state, input])).toBe(snapshot);
    expect(result.state.vars).not.toBe(state.vars);
    const ignored = run({ ...state, status: 'ended' }, input);
    expect(ignored.state.vars).not.toBe(state.vars);
  });
});
