import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileAgent } from './compile-agent';
import type { BotMessage, CompiledAgent, ConversationState, TurnInput, TurnResult } from './model';
import { runTurn } from './run-turn';
import { trainAgent } from './train-agent';
import { WEBIM } from './spec-helpers';

const source = readFileSync(path.join(__dirname, '../../../agents/demo.yaml'), 'utf8');
const opts = { maxSteps: 50 };

const KEYBOARD: BotMessage = {
  type: 'keyboard',
  buttons: [
    [
      { id: 'hours', text: 'Opening hours' },
      { id: 'delivery', text: 'Delivery' },
    ],
    [{ id: 'human', text: 'Talk to a person' }],
  ],
};
const HOURS = 'We are open Monday to Friday, 9:00-18:00, and Saturday, 10:00-14:00.';
const DELIVERY = 'We deliver in 1-3 business days. Shipping is free for orders over 50 EUR.';
const FALLBACK = "Sorry, I did not get that. Choose a topic or type 'operator'.";
const text = (t: string): BotMessage => ({ type: 'text', text: t });
const MENU = [text('Anything else?'), KEYBOARD];

describe('agents/demo.yaml', () => {
  let agent: CompiledAgent;

  beforeAll(() => {
    const compiled = compileAgent(source, WEBIM);
    expect(compiled.warnings).toEqual([]);
    agent = compiled.agent;
  });

  const turn = (state: ConversationState | null, input: TurnInput): TurnResult =>
    runTurn(agent, state, input, opts);

  it('trains: it compiles without warnings and every test of its own passes', () => {
    const report = trainAgent(source, WEBIM);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.tests.map((test) => test.name)).toEqual([
      'greets the visitor by name and shows the menu',
      'answers opening hours by button',
      'answers delivery by text',
      'explains what it understands, twice if need be',
      'sends the price list as a link',
      'reminds a silent visitor once',
      'tells the visitor their order has shipped',
      'hands off when the visitor asks for a person',
    ]);
    expect(report.tests.filter((test) => !test.passed)).toEqual([]);
    expect(report.trained).toBe(true);
  });

  it('is named and starts with the init branch', () => {
    expect(agent).toMatchObject({
      name: 'Demo support bot',
      start: 'welcome',
      onChatStarted: 'init',
    });
  });

  it('runs a whole conversation: start, button, pattern, fallback, hand-off', () => {
    const started = turn(null, {
      kind: 'chat_started',
      vars: { channel_visitor_firstname: 'Anna' },
    });
    expect(started.messages).toEqual([
      text('Hello Anna\nI am the demo support bot. What can I help you with?'),
      KEYBOARD,
    ]);
    expect(started.state).toMatchObject({ status: 'waiting', branch: 'welcome', turns: 1 });
    expect(started.state.vars.visitor_name).toBe('Anna');

    const hours = turn(started.state, {
      kind: 'button',
      id: 'hours',
      text: 'Opening hours',
      vars: {},
    });
    expect(hours.messages).toEqual([text(HOURS), ...MENU]);
    expect(hours.state).toMatchObject({ status: 'waiting', branch: 'menu', turns: 2 });
    expect(hours.state.vars).toMatchObject({
      topic: 'Opening hours',
      client_message: 'Opening hours',
    });

    const delivery = turn(hours.state, {
      kind: 'text',
      text: 'Do you do SHIPPING to Berlin?',
      vars: {},
    });
    expect(delivery.messages).toEqual([text(DELIVERY), ...MENU]);

    const lost = turn(delivery.state, { kind: 'text', text: 'blue banana', vars: {} });
    expect(lost.messages).toEqual([text(FALLBACK)]);
    expect(lost.state).toMatchObject({ status: 'waiting', branch: 'fallback', turns: 4 });

    const again = turn(lost.state, { kind: 'text', text: 'still nothing', vars: {} });
    expect(again.messages).toEqual([text(FALLBACK)]);

    const handoff = turn(again.state, { kind: 'text', text: 'Operator please', vars: {} });
    expect(handoff.messages).toEqual([]);
    expect(handoff.handoff).toEqual({ reason: 'visitor_asked' });
    expect(handoff.state).toMatchObject({ status: 'handed_off', branch: 'human', turns: 6 });
    expect(handoff.state.vars).toMatchObject({
      visitor_name: 'Anna',
      client_message: 'Operator please',
    });
  });

  it('starts the reminder with the menu; any message cancels it first', () => {
    const START = { type: 'start_timer', name: 'reminder', delayMs: 30_000 };
    const CANCEL = { type: 'cancel_timer', name: 'reminder' };
    const started = turn(null, { kind: 'chat_started', vars: {} });
    expect(started.effects).toEqual([START]);
    const hours = turn(started.state, { kind: 'text', text: 'hours?', vars: {} });
    expect(hours.effects).toEqual([CANCEL, START]);
    const lost = turn(hours.state, { kind: 'text', text: 'hmm', vars: {} });
    expect(lost.effects).toEqual([CANCEL]);

    const reminded = turn(started.state, { kind: 'timer', name: 'reminder' });
    expect(reminded.messages).toEqual([
      text("Are you still there? Choose a topic or type 'operator'."),
    ]);
    expect(reminded.effects).toEqual([]);
    expect(reminded.state).toMatchObject({ status: 'waiting', branch: 'reminder', turns: 2 });
    const delivery = turn(reminded.state, {
      kind: 'button',
      id: 'delivery',
      text: 'Delivery',
      vars: {},
    });
    expect(delivery.messages).toEqual([text(DELIVERY), ...MENU]);
  });

  it('tells the visitor about a shipped order and goes on from there', () => {
    const started = turn(null, { kind: 'chat_started', vars: {} });
    const shipped = turn(started.state, {
      kind: 'event',
      name: 'order_shipped',
      data: { order_id: 'A-7' },
    });
    expect(shipped.messages).toEqual([text('Good news: your order A-7 has shipped.')]);
    expect(shipped.state.vars.event_order_id).toBe('A-7');
    const human = turn(shipped.state, { kind: 'text', text: 'operator', vars: {} });
    expect(human.handoff).toEqual({ reason: 'visitor_asked' });
  });

  it('sends the price list as a link', () => {
    const started = turn(null, { kind: 'chat_started', vars: {} });
    const prices = turn(started.state, { kind: 'text', text: 'Your tariff?', vars: {} });
    expect(prices.messages).toEqual([text('Price list: https://example.com/prices.pdf'), ...MENU]);
  });

  it('hands off on the "Talk to a person" button', () => {
    const started = turn(null, { kind: 'chat_started', vars: {} });
    const result = turn(started.state, {
      kind: 'button',
      id: 'human',
      text: 'Talk to a person',
      vars: {},
    });
    expect(result.handoff).toEqual({ reason: 'visitor_asked' });
  });

  it('prefers a person over opening hours when both are mentioned', () => {
    const started = turn(null, { kind: 'chat_started', vars: {} });
    const result = turn(started.state, {
      kind: 'text',
      text: 'what time can I talk to a person?',
      vars: {},
    });
    expect(result.handoff).toEqual({ reason: 'visitor_asked' });
  });

  it('answers pre-chat text right after the greeting', () => {
    const result = turn(null, { kind: 'chat_started', vars: {}, text: 'When are you open?' });
    expect(result.messages).toEqual([
      text('Hello \nI am the demo support bot. What can I help you with?'),
      KEYBOARD,
      text(HOURS),
      ...MENU,
    ]);
    expect(result.state).toMatchObject({ status: 'waiting', branch: 'menu', turns: 1 });
  });

  it('restarts a conversation that ended in a hand-off', () => {
    const handedOff = turn(null, { kind: 'chat_started', vars: {}, text: 'operator' });
    expect(handedOff.state.status).toBe('handed_off');
    const result = turn(handedOff.state, { kind: 'text', text: 'delivery?', vars: {} });
    expect(result.messages.slice(2)).toEqual([text(DELIVERY), ...MENU]);
    expect(result.state.turns).toBe(1);
  });

  describe('with pseudo-random input', () => {
    /** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
    function prng(seed: number): () => number {
      let a = seed >>> 0;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    const WORDS = [
      'hour',
      'OPEN',
      'time',
      'deliver',
      'shipping',
      'operator',
      'Person',
      'agent',
      'hi',
      '',
      ' ',
      '{{x}}',
      '(',
      '🙂',
      'ß',
      'привет',
    ];
    const IDS = ['hours', 'delivery', 'human', 'unknown', '', '__proto__', 'constructor'];
    const BRANCHES = [
      'welcome',
      'menu',
      'fallback',
      'hours',
      'human',
      'init',
      'nope',
      'constructor',
    ];

    it.each([1, 2, 3])('never throws and stays within the step limit (seed %i)', (seed) => {
      const random = prng(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const phrase = () =>
        Array.from({ length: Math.floor(random() * 4) }, () => pick(WORDS)).join(' ');
      const vars = (): Record<string, string> =>
        random() < 0.3
          ? { channel_visitor_firstname: phrase(), [pick(['a', '__proto__', 'topic'])]: phrase() }
          : {};

      let state: ConversationState | null = null;
      for (let i = 0; i < 300; i++) {
        const roll = random();
        const input: TurnInput =
          roll < 0.1
            ? random() < 0.5
              ? { kind: 'chat_started', vars: vars() }
              : { kind: 'chat_started', vars: vars(), text: phrase() }
            : roll < 0.45
              ? { kind: 'text', text: phrase(), vars: vars() }
              : roll < 0.75
                ? { kind: 'button', id: pick(IDS), text: phrase(), vars: vars() }
                : roll < 0.85
                  ? { kind: 'timer', name: 'reminder' }
                  : {
                      kind: 'event',
                      name: 'order_shipped',
                      data: { [pick(['order_id', 'order-id', '__proto__', ''])]: phrase() },
                    };
        // Now and then, a lost, stale or foreign state.
        const chaos = random();
        if (chaos < 0.05) state = null;
        else if (chaos < 0.1 && state)
          state = { ...state, branch: pick(BRANCHES), step: Math.floor(random() * 6) - 1 };
        else if (chaos < 0.12 && state)
          state = { ...state, status: pick(['ended', 'handed_off', 'waiting'] as const) };

        const result = runTurn(agent, state, input, opts);
        const proactive = input.kind === 'timer' || input.kind === 'event';
        if (result.ignored) {
          // Only proactive inputs are ever ignored, and they then change nothing.
          expect(proactive && state?.status !== 'waiting').toBe(true);
          expect(result).toMatchObject({ steps: 0, messages: [], effects: [], handoff: null });
          if (state) expect(result.state).toEqual(state);
        } else {
          expect(result.steps).toBeGreaterThan(0);
        }
        expect(result.steps).toBeLessThanOrEqual(opts.maxSteps);
        expect(result.pauseMs).toBe(0);
        const { status, branch, step } = result.state;
        if (status === 'waiting') expect(agent.branches[branch][step].kind).toBe('wait');
        if (status === 'handed_off' && !result.ignored)
          expect(result.handoff).toEqual({ reason: 'visitor_asked' });
        else expect(result.handoff).toBeNull();
        // The timer and event branches wait before they could hand off.
        expect(result.state.pendingHandoff).toBeUndefined();
        for (const effect of result.effects) {
          expect(effect.name).toBe('reminder');
          if (effect.type === 'start_timer') expect(effect.delayMs).toBe(30_000);
        }
        if (input.kind === 'text' || input.kind === 'button')
          expect(result.effects[0]).toEqual({ type: 'cancel_timer', name: 'reminder' });
        for (const message of result.messages) {
          if (message.type === 'text') expect(message.text.trim()).not.toBe('');
        }
        state = result.state;
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
