import { compileAgent } from './compile-agent';
import { ScenarioError } from './errors';
import type { CompiledAgent, ConversationState, IoOutcome, TurnResult } from './model';
import { MAX_HELD_CHARS, resumeTurn, runTurn } from './run-turn';
import { WEBIM, yaml } from './spec-helpers';

// Turns that stop at a call or llm step: the request they return, and how resumeTurn goes on
// with each outcome.

const OPTS = { maxSteps: 100 };
const compile = (...lines: string[]): CompiledAgent => compileAgent(yaml(...lines), WEBIM).agent;

const SHOP = compile(
  'start: ask',
  'timers: { nudge: { after: 1m, goto: nudge } }',
  'branches:',
  '  ask:',
  '    - say: "Your order number?"',
  '    - wait: { save: order }',
  '    - say: "Looking up {{order}}"',
  '    - start_timer: nudge',
  '    - call:',
  '        method: POST',
  "        url: 'https://shop.example.com/api/orders/{{order}}?key={{secret.SHOP_KEY}}'",
  "        headers: { X-Order: '{{order}}' }",
  '        auth: { bearer: SHOP_TOKEN }',
  "        json: { id: '{{order}}', tags: ['{{order}}', 2, true, null] }",
  '        timeout: 2s',
  "        save: { code: status, state: body.order.status, first: 'body.items[0].name' }",
  '        on: { error: failed, timeout: slow }',
  '    - say: "Order {{order}}: {{state}}, first item {{first}} ({{code}})"',
  '    - wait: {}',
  '  failed:',
  '    - say: "The shop answered {{code}}"',
  '    - wait: {}',
  '  slow:',
  '    - say: "The shop is slow"',
  '    - wait: {}',
  '  nudge:',
  '    - say: "Still there?"',
  '    - wait: {}',
);

function atCall(): TurnResult {
  const greeted = runTurn(SHOP, null, { kind: 'chat_started', vars: {} }, OPTS);
  return runTurn(SHOP, greeted.state, { kind: 'text', text: 'A-1', vars: {} }, OPTS);
}

function resume(result: TurnResult, outcome: IoOutcome, agent = SHOP): TurnResult {
  if (!result.await) throw new Error('the turn did not stop for I/O');
  return resumeTurn(agent, result.await.resume, outcome, OPTS);
}

describe('runTurn at a call step', () => {
  it('stops there with the rendered request, secrets by name only, and what was said so far', () => {
    const result = atCall();
    expect(result.await?.request).toEqual({
      kind: 'call',
      method: 'POST',
      url: ['https://shop.example.com/api/orders/A-1?key=', { secret: 'SHOP_KEY' }],
      headers: [
        { name: 'X-Order', value: ['A-1'] },
        { name: 'Authorization', value: ['Bearer ', { secret: 'SHOP_TOKEN' }] },
      ],
      body: { type: 'json', value: { id: 'A-1', tags: ['A-1', 2, true, null] } },
      timeoutMs: 2000,
      detach: false,
      secrets: ['SHOP_KEY', 'SHOP_TOKEN'],
    });
    expect(result.messages).toEqual([{ type: 'text', text: 'Looking up A-1' }]);
    expect(result.effects).toContainEqual({ type: 'start_timer', name: 'nudge', delayMs: 60000 });
    expect(result.state).toMatchObject({ status: 'awaiting', branch: 'ask', step: 4 });
    expect(result.handoff).toBeNull();
    // The suspension is plain data: it survives JSON as the executor may keep it.
    const resume = result.await?.resume;
    expect(JSON.parse(JSON.stringify(resume))).toEqual(resume);
  });

  it("never lets a variable's text name a secret: rendered values stay plain parts", () => {
    const greeted = runTurn(SHOP, null, { kind: 'chat_started', vars: {} }, OPTS);
    const text = '{{secret.SHOP_TOKEN}}';
    const result = runTurn(SHOP, greeted.state, { kind: 'text', text, vars: {} }, OPTS);
    expect(result.await?.request).toMatchObject({
      url: [`https://shop.example.com/api/orders/${text}?key=`, { secret: 'SHOP_KEY' }],
      headers: [{ name: 'X-Order', value: [text] }, expect.anything()],
      secrets: ['SHOP_KEY', 'SHOP_TOKEN'],
    });
  });
});

describe('resumeTurn', () => {
  it('on ok saves status and JSON fields and goes on with the next step', () => {
    const body = { order: { status: 'shipped' }, items: [{ name: 'Tea' }] };
    const result = resume(atCall(), { kind: 'response', status: 200, body });
    expect(result.messages).toEqual([
      { type: 'text', text: 'Looking up A-1' },
      { type: 'text', text: 'Order A-1: shipped, first item Tea (200)' },
    ]);
    expect(result.effects).toEqual(atCall().effects);
    expect(result.state).toMatchObject({ status: 'waiting', branch: 'ask', step: 6 });
    expect(result.state.vars).toMatchObject({ code: '200', state: 'shipped', first: 'Tea' });
    expect(result.await).toBeUndefined();
  });

  it('on a non-2xx status takes the error branch, with the status saved', () => {
    const result = resume(atCall(), { kind: 'response', status: 503, body: 'busy' });
    expect(result.messages.at(-1)).toEqual({ type: 'text', text: 'The shop answered 503' });
    expect(result.state).toMatchObject({ status: 'waiting', branch: 'failed' });
    expect(result.state.vars).toMatchObject({ state: '', first: '' });
  });

  it('on an error or a timeout takes its branch and clears what an earlier call saved', () => {
    const error = resume(atCall(), { kind: 'error', message: 'refused' });
    expect(error.state).toMatchObject({ branch: 'failed' });
    expect(error.state.vars.code).toBe('');
    const timeout = resume(atCall(), { kind: 'timeout' });
    expect(timeout.messages.at(-1)).toEqual({ type: 'text', text: 'The shop is slow' });
    expect(timeout.state).toMatchObject({ status: 'waiting', branch: 'slow' });
  });

  it('hands off with call_failed or call_timeout when the outcome has no branch', () => {
    const agent = compile(
      'start: a',
      'branches:',
      '  a:',
      '    - say: "One moment"',
      "    - call: { url: 'https://shop.example.com/x', on: { ok: done } }",
      '    - say: "never"',
      '  done: [{ say: "Done" }]',
    );
    const at = runTurn(agent, null, { kind: 'chat_started', vars: {} }, OPTS);
    const failed = resume(at, { kind: 'error' }, agent);
    expect(failed.handoff).toEqual({ reason: 'call_failed' });
    expect(failed.state).toMatchObject({ status: 'handed_off', branch: 'a', step: 1 });
    expect(failed.messages).toEqual([{ type: 'text', text: 'One moment' }]);
    expect(resume(at, { kind: 'timeout' }, agent).handoff).toEqual({ reason: 'call_timeout' });
    const ok = resume(at, { kind: 'response', status: 204 }, agent);
    expect(ok.messages.at(-1)).toEqual({ type: 'text', text: 'Done' });
    expect(ok.state.status).toBe('ended');
  });

  it('bounds the steps of all segments together by maxSteps', () => {
    const agent = compile(
      'start: a',
      'branches:',
      '  a:',
      "    - call: { url: 'https://shop.example.com/ping', on: { timeout: a } }",
      '    - goto: a',
    );
    let result = runTurn(agent, null, { kind: 'chat_started', vars: {} }, { maxSteps: 5 });
    let segments = 1;
    const loop = () => {
      for (;;) {
        result = resumeTurn(agent, result.await!.resume, { kind: 'timeout' }, { maxSteps: 5 });
        segments += 1;
      }
    };
    expect(loop).toThrow(ScenarioError);
    expect(loop).toThrow(/more than 5 steps/);
    expect(segments).toBe(5);
    expect(result.steps).toBe(5);
  });

  it('refuses a suspension that is not at a call or llm step', () => {
    const at = atCall();
    const moved = { ...at.await!.resume, state: { ...at.state, step: 0 } };
    expect(() => resumeTurn(SHOP, moved, { kind: 'timeout' }, OPTS)).toThrow(
      /not at a call or llm step/,
    );
  });
});

describe('then: later', () => {
  const agent = compile(
    'start: a',
    'events: { check: a }',
    'branches:',
    '  a:',
    '    - wait: {}',
    '    - say: "Checking, I will write back"',
    "    - call: { url: 'https://shop.example.com/x', then: later, on: { ok: found } }",
    '  found:',
    '    - say: "Found it"',
    '    - wait: {}',
  );

  it('marks the request detach, and the rest is a segment of its own', () => {
    const greeted = runTurn(agent, null, { kind: 'chat_started', vars: {} }, OPTS);
    const at = runTurn(agent, greeted.state, { kind: 'text', text: 'hi', vars: {} }, OPTS);
    expect(at.await?.request.detach).toBe(true);
    expect(at.messages).toEqual([{ type: 'text', text: 'Checking, I will write back' }]);
    const later = resume(at, { kind: 'response', status: 200 }, agent);
    expect(later.messages).toEqual([{ type: 'text', text: 'Found it' }]);
    expect(later.steps).toBeGreaterThan(at.steps);
  });

  it('keeps a hand-off after it for the visitor’s next message, like a timer’s', () => {
    const greeted = runTurn(agent, null, { kind: 'chat_started', vars: {} }, OPTS);
    const at = runTurn(agent, greeted.state, { kind: 'text', text: 'hi', vars: {} }, OPTS);
    const later = resume(at, { kind: 'error' }, agent);
    expect(later.handoff).toBeNull();
    expect(later.state).toMatchObject({ status: 'waiting', pendingHandoff: 'call_failed' });
    const next = runTurn(agent, later.state, { kind: 'text', text: 'and?', vars: {} }, OPTS);
    expect(next.handoff).toEqual({ reason: 'call_failed' });
  });

  describe('while its request is out', () => {
    const chat = compile(
      'start: a',
      'timers: { nudge: { after: 1m, goto: a } }',
      'branches:',
      '  a:',
      '    - wait: { save: order }',
      '    - say: "Checking {{order}}"',
      "    - call: { url: 'https://shop.example.com/x', then: later }",
      '    - say: "Done"',
      '    - wait: { save: meanwhile }',
      '    - say: "You said: {{meanwhile}}"',
      '    - wait: {}',
    );
    const LATER = { id: 'l-1', until: 1_000 };
    /** The stored state, as the executor commits it: marked with the continuation's id. */
    function detached(text = 'A-1'): ConversationState {
      const greeted = runTurn(chat, null, { kind: 'chat_started', vars: {} }, OPTS);
      const at = runTurn(chat, greeted.state, { kind: 'text', text, vars: {} }, OPTS);
      expect(at.await?.request.detach).toBe(true);
      return { ...at.state, later: LATER };
    }
    const write = (state: ConversationState, text: string): TurnResult =>
      runTurn(chat, state, { kind: 'text', text, vars: { channel_visitor_id: 'v' } }, OPTS);
    /** The rest of the branch, as the continuation runs it on the stored state. */
    const finishLater = (state: ConversationState): TurnResult =>
      resumeTurn(
        chat,
        { state, steps: 0, messages: [], effects: [], pauseMs: 0 },
        { kind: 'response', status: 200 },
        OPTS,
      );

    it('holds a visitor’s messages: nothing said, the conversation stays at the step', () => {
      const state = detached();
      const first = write(state, 'hello?');
      expect(first.messages).toEqual([]);
      expect(first.handoff).toBeNull();
      expect(first.effects).toEqual([{ type: 'cancel_timer', name: 'nudge' }]);
      expect(first.state).toMatchObject({
        status: 'awaiting',
        branch: 'a',
        step: 2,
        later: LATER,
        turns: state.turns + 1,
        pending: { kind: 'text', text: 'hello?' },
      });
      expect(first.state.vars).toMatchObject({ order: 'A-1', channel_visitor_id: 'v' });
      const second = write(first.state, 'anyone?');
      expect(second.state.pending).toEqual({ kind: 'text', text: 'hello?\nanyone?' });
    });

    it('gives the held messages to the first wait of the rest of the branch', () => {
      const held = write(write(detached(), 'hello?').state, 'anyone?').state;
      const rest = finishLater(held);
      expect(rest.messages.map((m) => (m.type === 'text' ? m.text : m.type))).toEqual([
        'Done',
        'You said: hello?\nanyone?',
      ]);
      expect(rest.state).toMatchObject({ status: 'waiting', branch: 'a', step: 6 });
      expect(rest.state.later).toBeUndefined();
      expect(rest.state.pending).toBeUndefined();
    });

    it('keeps the newest text when held texts grow past the cap', () => {
      let state = detached();
      for (let i = 0; i < 5; i++) state = write(state, `${i}`.repeat(1_500)).state;
      const pending = state.pending;
      expect(pending?.kind === 'text' && pending.text.length).toBe(MAX_HELD_CHARS);
      expect(pending?.kind === 'text' && pending.text.endsWith('4'.repeat(1_500))).toBe(true);
    });

    it('lets a pressed button replace held text', () => {
      const state = write(detached(), 'hello?').state;
      const pressed = runTurn(chat, state, { kind: 'button', id: 'b', text: 'B', vars: {} }, OPTS);
      expect(pressed.state.pending).toEqual({ kind: 'button', id: 'b', text: 'B' });
    });

    it('starts afresh on a state stopped at a step without a continuation', () => {
      const { later: _, ...orphan } = detached();
      const fresh = write(orphan, 'B-2');
      expect(fresh.state).toMatchObject({ status: 'awaiting', turns: 1 });
      expect(fresh.state.vars.order).toBe('B-2');
    });

    it('keeps what the visitor sent that no wait took before the step', () => {
      const direct = compile(
        'start: a',
        'branches:',
        "  a: [ { call: { url: 'https://x.example.com', then: later } }, { wait: { save: w } }, { say: '{{w}}' } ]",
      );
      const at = runTurn(direct, null, { kind: 'chat_started', vars: {}, text: 'early' }, OPTS);
      expect(at.state.pending).toEqual({ kind: 'text', text: 'early' });
      const rest = resumeTurn(
        direct,
        { state: at.state, steps: 0, messages: [], effects: [], pauseMs: 0 },
        { kind: 'response', status: 204 },
        OPTS,
      );
      expect(rest.messages).toEqual([{ type: 'text', text: 'early' }]);
    });
  });
});

describe('llm steps', () => {
  const agent = compile(
    'llm: { model: small, temperature: 0.2, max_tokens: 200, url: "https://llm.example.com/v1", auth: { bearer: LLM_KEY } }',
    'start: a',
    'branches:',
    '  a:',
    '    - say: "Ask me"',
    '    - wait: {}',
    '    - llm:',
    '        system: "You help {{channel_visitor_firstname}}."',
    '        prompt: "Answer: {{client_message}}"',
    '        history: 3',
    '        model: big',
    '        on: { timeout: slow }',
    '    - goto: a',
    '  slow: [{ say: "Too slow" }]',
  );

  function asked(text: string): TurnResult {
    const vars = { channel_visitor_firstname: 'Ann' };
    const greeted = runTurn(agent, null, { kind: 'chat_started', vars }, OPTS);
    return runTurn(agent, greeted.state, { kind: 'text', text, vars: {} }, OPTS);
  }

  it('sends the system text, the recent history and the prompt, with the agent’s defaults', () => {
    expect(asked('tea?').await?.request).toEqual({
      kind: 'llm',
      mode: 'reply',
      messages: [
        { role: 'system', content: 'You help Ann.' },
        { role: 'assistant', content: 'Ask me' },
        { role: 'user', content: 'tea?' },
        { role: 'user', content: 'Answer: tea?' },
      ],
      model: 'big',
      temperature: 0.2,
      maxTokens: 200,
      url: 'https://llm.example.com/v1',
      bearerSecret: 'LLM_KEY',
      detach: false,
      secrets: ['LLM_KEY'],
    });
  });

  it('says the reply as plain text, literally: a template in it is not rendered', () => {
    const text = '**Yes**, {{channel_visitor_firstname}} - step: [say]';
    const result = resume(asked('tea?'), { kind: 'text', text }, agent);
    expect(result.messages).toEqual([
      { type: 'text', text: 'Yes, {{channel_visitor_firstname}} - step: [say]' },
      { type: 'text', text: 'Ask me' },
    ]);
  });

  it('caps the reply and keeps a bounded history in the conversation', () => {
    let result = resume(asked('one'), { kind: 'text', text: 'x'.repeat(5000) }, agent);
    expect(result.messages[0]).toEqual({ type: 'text', text: 'x'.repeat(1000) });
    const state = result.state;
    expect(state.history).toHaveLength(3);
    result = runTurn(agent, state, { kind: 'text', text: 'two', vars: {} }, OPTS);
    expect(result.await?.request).toMatchObject({
      messages: [
        expect.objectContaining({ role: 'system' }),
        { role: 'assistant', content: 'x'.repeat(1000) },
        { role: 'assistant', content: 'Ask me' },
        { role: 'user', content: 'two' },
        { role: 'user', content: 'Answer: two' },
      ],
    });
  });

  it('treats an empty reply as an error and a timeout as a timeout', () => {
    expect(resume(asked('q'), { kind: 'text', text: '  ' }, agent).handoff).toEqual({
      reason: 'llm_failed',
    });
    expect(resume(asked('q'), { kind: 'timeout' }, agent).messages.at(-1)).toEqual({
      type: 'text',
      text: 'Too slow',
    });
  });

  it('classifies into a label, a fallback, or the error outcome', () => {
    const classify = (fallback: string) =>
      compile(
        'start: a',
        'branches:',
        '  a:',
        '    - wait: {}',
        '    - llm:',
        '        mode: classify',
        '        prompt: "Topic of: {{client_message}}"',
        '        labels: [order, refund, other]',
        `        ${fallback}`,
        '        save: topic',
        '        on: { error: unsure }',
        '    - say: "Topic {{topic}}"',
        '  unsure: [{ say: "Unsure" }]',
      );
    const run = (agent: CompiledAgent, text: string) => {
      const at = runTurn(agent, null, { kind: 'text', text: 'refund please', vars: {} }, OPTS);
      expect(at.await?.request).toMatchObject({
        mode: 'classify',
        labels: ['order', 'refund', 'other'],
      });
      return resume(at, { kind: 'text', text }, agent).messages;
    };
    const strict = classify('history: 0');
    expect(run(strict, ' "Refund." ')).toEqual([{ type: 'text', text: 'Topic refund' }]);
    expect(run(strict, 'a refund, I think')).toEqual([{ type: 'text', text: 'Unsure' }]);
    expect(run(classify('fallback: other'), '{{topic}}')).toEqual([
      { type: 'text', text: 'Topic other' },
    ]);
  });
});

describe('suspension across the kinds of turn', () => {
  const agent = compile(
    'start: a',
    'timers: { t: { after: 1m, goto: check } }',
    'branches:',
    '  a:',
    "    - call: { url: 'https://shop.example.com/hello', on: { timeout: a } }",
    '    - wait: { save: first }',
    '    - say: "You said {{first}}"',
    '    - start_timer: t',
    '    - wait: {}',
    '  check:',
    '    - llm: { prompt: "Anything new?", on: { error: a } }',
    '    - wait: {}',
  );

  it('keeps the visitor’s pending input for the wait after the step', () => {
    const at = runTurn(agent, null, { kind: 'chat_started', vars: {}, text: 'hello' }, OPTS);
    expect(at.await?.resume.pending).toEqual({ kind: 'text', text: 'hello' });
    const result = resume(at, { kind: 'response', status: 200 }, agent);
    expect(result.messages).toEqual([{ type: 'text', text: 'You said hello' }]);
    expect(result.effects).toEqual([{ type: 'start_timer', name: 't', delayMs: 60000 }]);
  });

  it('defers a hand-off reached from a timer’s turn to the wait it interrupted', () => {
    const started = runTurn(agent, null, { kind: 'chat_started', vars: {}, text: 'hi' }, OPTS);
    const waiting = resume(started, { kind: 'response', status: 200 }, agent).state;
    const at = runTurn(agent, waiting, { kind: 'timer', name: 't' }, OPTS);
    expect(at.await?.request).toMatchObject({ kind: 'llm', detach: false });
    const result = resume(at, { kind: 'timeout' }, agent);
    expect(result.handoff).toBeNull();
    expect(result.state).toMatchObject({
      status: 'waiting',
      branch: 'a',
      step: 4,
      pendingHandoff: 'llm_timeout',
    });
  });
});

describe('turns without call or llm steps', () => {
  it('keep their result and state as before: no history, no await', () => {
    const agent = compile('start: a', 'branches:', '  a:', '    - say: Hi', '    - wait: {}');
    const result = runTurn(agent, null, { kind: 'chat_started', vars: {} }, OPTS);
    expect(JSON.stringify(result)).toBe(
      JSON.stringify({
        state: { v: 1, status: 'waiting', branch: 'a', step: 1, vars: {}, turns: 1 },
        messages: [{ type: 'text', text: 'Hi' }],
        handoff: null,
        pauseMs: 0,
        steps: 2,
        effects: [],
      }),
    );
  });
});
