import type { AgentCache, LoadedAgent } from '@app/catalog';
import type { SharedEnv } from '@app/config';
import type {
  ClaimResult,
  CommitResult,
  ConversationStore,
  DueTimer,
  StoredConversation,
  TurnCommit,
} from '@app/conversation';
import { compileAgent, runTurn } from '@app/scenario';
import type { TimerScheduler } from './timer-scheduler.service';
import { TurnExecutor } from './turn-executor.service';
import { proactiveTask, visitorTask } from './turn-task';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';

// The executor against fakes of the store, the agent cache and the timer scheduler: what it
// claims, what it commits and where the messages go, for each kind of turn and each way a turn
// can end. The store's own guarantees are tested against Redis (test/conversation-store).

const { agent: AGENT } = compileAgent(
  `
timers:
  nudge: { after: 1s, goto: nudge }
events:
  shipped: shipped
start: ask
branches:
  ask:
    - say: "Your order number?"
    - start_timer: nudge
    - goto: listen
  listen:
    - wait: { save: order }
    - route:
        - { text: "^loop$", goto: loop }
        - { text: "^person$", goto: person }
        - { goto: thanks }
  thanks:
    - say: "Noted {{order}}."
    - goto: listen
  nudge:
    - say: "Still there?"
    - goto: listen
  shipped:
    - say: "Order {{event_id}} shipped."
    - goto: listen
  person:
    - handoff: asked
  loop:
    - goto: loop
`,
  { channel: WEBIM_CHANNEL_VARIABLES },
);

const ENV = {
  TURN_GRACE_MS: 1000,
  OUTBOX_MAX: 50,
  SCENARIO_MAX_STEPS: 100,
} as SharedEnv;

/** The conversation after the greeting: waiting for the order number. */
function waiting(agentId = 'shop', version = 1): StoredConversation {
  const { state } = runTurn(AGENT, null, { kind: 'chat_started', vars: {} }, { maxSteps: 100 });
  return { agentId, agentVersion: version, state };
}

class FakeStore {
  claim: Extract<ClaimResult, { status: 'ok' }> | { status: 'settled' | 'gone' | 'timeout' } = {
    status: 'ok',
    conversation: waiting(),
    values: [],
  };
  committed: CommitResult = { status: 'ok', delivered: 0, dropped: 0, arm: [] };
  readonly commits: TurnCommit[] = [];
  readonly claims: { fields?: string[]; until: number; leaseUntil: number }[] = [];
  readonly postponed: { armedField: string; armed: string }[] = [];

  claimInTurn(args: { fields?: string[]; until: number; leaseUntil: () => number }) {
    this.claims.push({ fields: args.fields, until: args.until, leaseUntil: args.leaseUntil() });
    return Promise.resolve(this.claim);
  }
  commit(commit: TurnCommit) {
    this.commits.push(commit);
    return Promise.resolve(this.committed);
  }
  postpone(args: { armedField: string; armed: string }) {
    this.postponed.push({ armedField: args.armedField, armed: args.armed });
    return Promise.resolve('ok' as const);
  }
  join() {
    return Promise.resolve();
  }
}

function setup(agent: LoadedAgent | null | Error = { id: 'shop', version: 1, agent: AGENT }) {
  const store = new FakeStore();
  const armed: DueTimer[] = [];
  const agents = {
    get: () => (agent instanceof Error ? Promise.reject(agent) : Promise.resolve(agent)),
  } as unknown as AgentCache;
  const timers = {
    arm: (_chat: unknown, due: DueTimer[]) => {
      armed.push(...due);
      return Promise.resolve();
    },
  } as unknown as TimerScheduler;
  const executor = new TurnExecutor(store as unknown as ConversationStore, agents, timers, ENV);
  return { store, armed, executor };
}

const visitor = (text: string, deadline = Date.now() + 4000) =>
  visitorTask('job-1', {
    v: 1,
    channelId: 'c',
    chatId: 'chat',
    agentId: 'shop',
    agentVersion: 1,
    turnId: 't1',
    input: { kind: 'text', text, vars: {} },
    deadline,
    enqueuedAt: Date.now(),
    replyTo: 'replies:gw',
  });

const event = () =>
  proactiveTask('event.c.chat.k', 1, {
    v: 1,
    kind: 'event',
    channelId: 'c',
    chatId: 'chat',
    agentId: 'shop',
    name: 'shipped',
    data: { id: '42' },
  });

const timer = (jobId = 'timer-job') =>
  proactiveTask(jobId, 1, {
    v: 1,
    kind: 'timer',
    channelId: 'c',
    chatId: 'chat',
    agentId: 'shop',
    name: 'nudge',
  });

describe('TurnExecutor: visitor turns', () => {
  it('answers through the reply sink with the new conversation and a transcript entry', async () => {
    const { store, executor } = setup();
    const result = await executor.run(visitor('A-1'));

    expect(result).toMatchObject({ status: 'answered', steps: expect.any(Number) });
    const [commit] = store.commits;
    expect(commit.sink).toEqual({
      kind: 'reply',
      handoff: null,
      replyTo: 'replies:gw',
      jobId: 'job-1',
    });
    expect(commit.messages).toEqual([{ type: 'text', text: 'Noted A-1.' }]);
    expect(commit.conversation?.state.vars.order).toBe('A-1');
    expect(commit.origin).toEqual({ source: 'webim', input: visitor('A-1').input });
    // Held until the deadline, and for the grace after it.
    const task = visitor('x');
    expect(store.claims[0].until).toBeLessThanOrEqual(task.deadline);
    expect(store.claims[0].leaseUntil - store.claims[0].until).toBe(ENV.TURN_GRACE_MS);
  });

  it('hands off with the bot reason when the scenario does', async () => {
    const { store, executor } = setup();
    expect(await executor.run(visitor('person'))).toMatchObject({
      status: 'answered',
      handoff: 'bot_handoff',
    });
    expect(store.commits[0].sink).toMatchObject({
      handoff: { reason: 'bot_handoff', detail: 'asked' },
    });
  });

  it('hands off with scenario_error, keeping the conversation, when the agent loops, is missing or cannot load', async () => {
    for (const [agent, text] of [
      [{ id: 'shop', version: 1, agent: AGENT }, 'loop'],
      [null, 'hi'],
      [new Error('redis is away'), 'hi'],
    ] as const) {
      const { store, executor } = setup(agent);
      expect(await executor.run(visitor(text))).toMatchObject({ handoff: 'scenario_error' });
      expect(store.commits[0]).toMatchObject({
        conversation: null,
        messages: [],
        sink: { kind: 'reply', handoff: { reason: 'scenario_error' } },
      });
    }
  });

  it('hands off with call_failed, keeping the conversation, at a call step it cannot run yet', async () => {
    const { agent } = compileAgent(
      `
events: { shipped: lookup }
start: ask
branches:
  ask:
    - wait: {}
    - say: "Looking it up"
    - goto: lookup
  lookup:
    - call: { url: "https://shop.example.com/orders", on: { timeout: ask } }
    - say: "Found"
`,
      { channel: WEBIM_CHANNEL_VARIABLES },
    );
    const loaded = { id: 'shop', version: 1, agent };
    const { store, executor } = setup(loaded);
    const { state } = runTurn(agent, null, { kind: 'chat_started', vars: {} }, { maxSteps: 100 });
    store.claim = {
      status: 'ok',
      conversation: { agentId: 'shop', agentVersion: 1, state },
      values: [],
    };
    expect(await executor.run(visitor('A-1'))).toMatchObject({ handoff: 'bot_handoff' });
    expect(store.commits[0]).toMatchObject({
      conversation: null,
      messages: [],
      sink: { kind: 'reply', handoff: { reason: 'bot_handoff', detail: 'call_failed' } },
    });

    const proactive = setup(loaded);
    proactive.store.claim = store.claim;
    expect(await proactive.executor.run(event())).toEqual({ status: 'dropped' });
    expect(proactive.store.commits[0]).toMatchObject({ conversation: null, messages: [] });
  });

  it('starts afresh in a conversation of another agent', async () => {
    const { store, executor } = setup();
    store.claim = { status: 'ok', conversation: waiting('other'), values: [] };
    await executor.run(visitor('A-1'));
    // The greeting of a new conversation comes first, then the message is taken in it.
    expect(store.commits[0].messages).toEqual([
      { type: 'text', text: 'Your order number?' },
      { type: 'text', text: 'Noted A-1.' },
    ]);
  });

  it('does not run a turn past its deadline, nor one the chat never let in before it', async () => {
    const { store, executor } = setup();
    expect(await executor.run(visitor('A-1', Date.now() - 1))).toEqual({ status: 'expired' });
    expect(store.claims).toHaveLength(0);

    store.claim = { status: 'timeout' };
    expect(await executor.run(visitor('A-1'))).toEqual({ status: 'expired' });
    store.claim = { status: 'settled' };
    expect(await executor.run(visitor('A-1'))).toEqual({ status: 'settled' });
    store.claim = { status: 'gone' };
    expect(await executor.run(visitor('A-1'))).toEqual({ status: 'gone' });
    expect(store.commits).toHaveLength(0);
  });

  it('reports a commit that came after the hand-off as late, and one that lost its place as lost', async () => {
    const { store, executor } = setup();
    store.committed = { status: 'settled', delivered: 0, dropped: 0, arm: [] };
    expect(await executor.run(visitor('A-1'))).toMatchObject({ status: 'late' });
    store.committed = { status: 'lost', delivered: 0, dropped: 0, arm: [] };
    expect(await executor.run(visitor('A-1'))).toMatchObject({ status: 'lost' });
  });

  it('arms the timers the commit asks for, and only after a commit that took', async () => {
    const { store, armed, executor } = setup();
    store.claim = { status: 'ok', conversation: null, values: [] };
    const due = { agentId: 'shop', name: 'nudge', dueAt: Date.now() + 1000 };
    store.committed = { status: 'ok', delivered: 2, dropped: 0, arm: [due] };
    const result = await executor.run({
      ...visitor('hi'),
      input: { kind: 'chat_started', vars: {} },
    });

    expect(result).toMatchObject({ status: 'answered', delivered: 2 });
    expect(store.commits[0].timers).toEqual([
      {
        timer: { agentId: 'shop', name: 'nudge' },
        action: 'start',
        dueAt: expect.any(Number),
        jobId: expect.stringMatching(/^timer\.c\.chat\.shop\.nudge\.\d+$/),
      },
    ]);
    expect(armed).toEqual([due]);

    store.committed = { status: 'settled', delivered: 0, dropped: 0, arm: [due] };
    await executor.run({ ...visitor('hi'), input: { kind: 'chat_started', vars: {} } });
    expect(armed).toHaveLength(1);
  });
});

describe('TurnExecutor: proactive turns', () => {
  it("buffers an event's messages in the outbox, with its data as variables", async () => {
    const { store, executor } = setup();
    store.committed = { status: 'ok', delivered: 0, dropped: 1, arm: [] };
    expect(await executor.run(event())).toEqual({ status: 'delivered', messages: 1, dropped: 1 });
    const [commit] = store.commits;
    expect(commit.sink).toEqual({ kind: 'outbox', outboxMax: ENV.OUTBOX_MAX });
    expect(commit.messages).toEqual([{ type: 'text', text: 'Order 42 shipped.' }]);
    expect(commit.origin).toEqual({ source: 'event', name: 'shipped', data: { id: '42' } });
  });

  it('keeps one turn id for a job across its retries', () => {
    expect(event().turnId).toBe(event().turnId);
    expect(timer('a').turnId).not.toBe(timer('b').turnId);
  });

  it('drops a turn in a chat without a conversation of its agent, clearing nothing else', async () => {
    const { store, executor } = setup();
    store.claim = { status: 'ok', conversation: waiting('other'), values: [] };
    expect(await executor.run(event())).toEqual({ status: 'dropped' });
    expect(store.commits[0]).toMatchObject({
      conversation: null,
      messages: [],
      origin: null,
      timers: [],
    });
  });

  it('drops with a scenario error when the agent is gone or loops, and lets a load error retry the job', async () => {
    const missing = setup(null);
    expect(await missing.executor.run(event())).toEqual({ status: 'dropped', scenarioError: true });
    const failing = setup(new Error('redis is away'));
    await expect(failing.executor.run(event())).rejects.toThrow('redis is away');
  });

  it('retries a job whose chat stayed busy, and reports the claim it lost', async () => {
    const { store, executor } = setup();
    store.claim = { status: 'timeout' };
    await expect(executor.run(event())).rejects.toThrow('the chat stayed busy');
    store.claim = { status: 'gone' };
    expect(await executor.run(event())).toEqual({ status: 'lost' });
    store.claim = { status: 'settled' };
    expect(await executor.run(event())).toEqual({ status: 'settled' });
  });

  it('fires a due timer: reads it with the claim, clears it and runs its branch', async () => {
    const { store, executor } = setup();
    const now = Date.now();
    store.claim = {
      status: 'ok',
      conversation: waiting(),
      values: [String(now - 5), `timer-job|${now - 5}`],
    };
    expect(await executor.run(timer())).toMatchObject({ status: 'delivered', messages: 1 });
    expect(store.claims[0].fields).toEqual(['timer:shop:nudge', 'armed:shop:nudge']);
    expect(store.commits[0].timers[0]).toEqual({
      timer: expect.objectContaining({ agentId: 'shop', name: 'nudge' }),
      action: 'fired',
    });
    expect(store.commits[0].origin).toEqual({ source: 'timer', name: 'nudge' });
  });

  it('postpones a timer started again since, to its new due time', async () => {
    const { store, executor } = setup();
    const later = Date.now() + 60_000;
    store.claim = { status: 'ok', conversation: waiting(), values: [String(later), `timer-job|1`] };
    expect(await executor.run(timer())).toEqual({ status: 'postponed', until: later });
    expect(store.postponed).toEqual([
      { armedField: 'armed:shop:nudge', armed: `timer-job|${later}` },
    ]);
    expect(store.commits).toHaveLength(0);
  });

  it('ends a cancelled timer clearing it, and one another job owns leaving it alone', async () => {
    const cancelled = setup();
    cancelled.store.claim = { status: 'ok', conversation: waiting(), values: ['', 'timer-job|1'] };
    expect(await cancelled.executor.run(timer())).toEqual({ status: 'cancelled' });
    expect(cancelled.store.commits[0].timers.map((op) => op.action)).toEqual(['fired']);

    const superseded = setup();
    superseded.store.claim = {
      status: 'ok',
      conversation: waiting(),
      values: ['1', 'other-job|1'],
    };
    expect(await superseded.executor.run(timer())).toEqual({ status: 'superseded' });
    expect(superseded.store.commits[0].timers).toEqual([]);
  });
});
