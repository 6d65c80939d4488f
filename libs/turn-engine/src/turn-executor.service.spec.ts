import { Registry } from 'prom-client';
import type { AgentCache, LoadedAgent } from '@app/catalog';
import { StepMetrics } from '@app/metrics';
import type { SharedEnv } from '@app/config';
import type {
  ClaimResult,
  CommitResult,
  ConversationStore,
  DueTimer,
  LaterWork,
  StoredConversation,
  TurnCommit,
} from '@app/conversation';
import { compileAgent, runTurn } from '@app/scenario';
import type { IoOutcome, IoRequest } from '@app/scenario';
import { ReplicaAck } from '@app/redis';
import type { Redis } from 'ioredis';
import { IoBudget, ScenarioIo } from './io/scenario-io';
import type { ProactiveScheduler } from './proactive-scheduler.service';
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
  PROACTIVE_CALL_MAX_MS: 7000,
} as SharedEnv;

/** Answers each request with the next outcome, recording what it was asked and its budget. */
class FakeIo extends ScenarioIo {
  readonly asked: Array<{ request: IoRequest; budget: IoBudget; at: number }> = [];
  outcomes: Array<IoOutcome | Error | Promise<IoOutcome>> = [];
  perform(request: IoRequest, budget: IoBudget): Promise<IoOutcome> {
    this.asked.push({ request, budget, at: Date.now() });
    const next = this.outcomes.shift() ?? { kind: 'error' };
    if (next instanceof Promise) return next;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

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
  readonly renewals: number[] = [];

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
  claimOne(args: { leaseUntil: number }) {
    this.renewals.push(args.leaseUntil);
    return Promise.resolve(this.claim);
  }
}

/** A connection whose WAIT answers `acked()` replicas, and notes that it was asked. */
function fakeWriter(name: string, waits: string[], acked: () => number): Redis {
  const wait = () => {
    waits.push(name);
    return Promise.resolve(acked());
  };
  return { wait } as unknown as Redis;
}

function setup(
  agent: LoadedAgent | null | Error = { id: 'shop', version: 1, agent: AGENT },
  replicas?: ReplicaAck,
) {
  const store = new FakeStore();
  let acked = 1;
  const waits: string[] = [];
  const published: unknown[] = [];
  const storeWriter = fakeWriter('store', waits, () => acked);
  const queueWriter = fakeWriter('queue', waits, () => acked);
  const armed: DueTimer[] = [];
  const laters: Array<{ chat: unknown; later: LaterWork }> = [];
  const agents = {
    get: () => (agent instanceof Error ? Promise.reject(agent) : Promise.resolve(agent)),
  } as unknown as AgentCache;
  const timers = {
    arm: (_chat: unknown, due: DueTimer[]) => {
      armed.push(...due);
      return Promise.resolve();
    },
    finishLater: (chat: unknown, later: LaterWork) => {
      laters.push({ chat, later });
      return Promise.resolve();
    },
    connection: () => Promise.resolve(queueWriter),
  } as unknown as ProactiveScheduler;
  const io = new FakeIo();
  // The executor renews a proactive turn's lease through `claim`, which the fake answers
  // (its own `claim` field is what the claim answers).
  const conversations = {
    claimInTurn: store.claimInTurn.bind(store),
    commit: store.commit.bind(store),
    postpone: store.postpone.bind(store),
    join: store.join.bind(store),
    claim: store.claimOne.bind(store),
    client: storeWriter,
    publish: (turn: unknown) => {
      published.push(turn);
      return Promise.resolve(true);
    },
  };
  const executor = new TurnExecutor(
    conversations as unknown as ConversationStore,
    agents,
    timers,
    ENV,
    io,
    new StepMetrics(new Registry()),
    replicas,
  );
  const replicasAck = (n: number) => (acked = n);
  return { store, armed, laters, executor, io, waits, published, replicasAck };
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

const CALL_AGENT = compileAgent(
  `
events: { shipped: lookup }
start: ask
branches:
  ask:
    - wait: { save: order }
    - say: "Looking it up"
    - goto: lookup
  lookup:
    - call:
        url: "https://shop.example.com/orders/{{order}}"
        save: { state: body.status }
        on: { error: missing, timeout: slow }
    - say: "Order {{order}}: {{state}}"
    - goto: done
  missing:
    - say: "Not found"
    - call: { url: "https://shop.example.com/other", on: { timeout: slow } }
  slow:
    - say: "Too slow"
    - goto: ask
  done:
    - say: "Thanks"
    - goto: ask
`,
  { channel: WEBIM_CHANNEL_VARIABLES },
).agent;

const BARE_CALL_AGENT = compileAgent(
  `
start: ask
branches:
  ask:
    - wait: {}
    - call: { url: "https://shop.example.com/orders" }
    - say: "Found"
`,
  { channel: WEBIM_CHANNEL_VARIABLES },
).agent;

const loaded = (agent: typeof AGENT): LoadedAgent => ({ id: 'shop', version: 1, agent });

/** A claim of a chat whose conversation with `agent` waits at its first `wait`. */
function claimedAt(agent: typeof AGENT): Extract<ClaimResult, { status: 'ok' }> {
  const { state } = runTurn(agent, null, { kind: 'chat_started', vars: {} }, { maxSteps: 100 });
  return { status: 'ok', conversation: { agentId: 'shop', agentVersion: 1, state }, values: [] };
}

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

  it('runs a call step: sends its request under the turn deadline and resumes on its outcome', async () => {
    const { store, executor, io } = setup(loaded(CALL_AGENT));
    store.claim = claimedAt(CALL_AGENT);
    io.outcomes = [{ kind: 'response', status: 200, body: { status: 'shipped' } }];
    const task = visitor('A-1');
    expect(await executor.run(task)).toMatchObject({ status: 'answered', handoff: undefined });
    expect(io.asked).toHaveLength(1);
    expect(io.asked[0].request).toMatchObject({ kind: 'call', method: 'GET' });
    expect(io.asked[0].budget).toEqual({ deadline: task.deadline });
    expect(store.commits).toHaveLength(1);
    expect(store.commits[0].messages).toEqual([
      { type: 'text', text: 'Looking it up' },
      { type: 'text', text: 'Order A-1: shipped' },
      { type: 'text', text: 'Thanks' },
    ]);
    expect(store.commits[0].conversation?.state).toMatchObject({
      status: 'waiting',
      branch: 'ask',
    });
    expect(store.commits[0].requests).toEqual([
      expect.objectContaining({
        step: 'call',
        sent: 'GET https://shop.example.com/orders/A-1',
        outcome: 'ok',
        status: 200,
        received: '{"status":"shipped"}',
      }),
    ]);
  });

  it('routes each outcome to its branch, across several requests in one turn', async () => {
    const { store, executor, io } = setup(loaded(CALL_AGENT));
    store.claim = claimedAt(CALL_AGENT);
    io.outcomes = [{ kind: 'response', status: 404, body: {} }, { kind: 'timeout' }];
    expect(await executor.run(visitor('A-2'))).toMatchObject({ status: 'answered' });
    expect(io.asked.map((a) => a.request.kind)).toEqual(['call', 'call']);
    expect(store.commits[0].messages.map((m) => (m as { text: string }).text)).toEqual([
      'Looking it up',
      'Not found',
      'Too slow',
    ]);
  });

  it('hands off with call_timeout or call_failed, reasons of their own, where the step has no branch for it', async () => {
    for (const [outcome, reason] of [
      [{ kind: 'timeout' }, 'call_timeout'],
      [new Error('port broke'), 'call_failed'],
    ] as const) {
      const { store, executor, io } = setup(loaded(BARE_CALL_AGENT));
      store.claim = claimedAt(BARE_CALL_AGENT);
      io.outcomes = [outcome];
      expect(await executor.run(visitor('x'))).toMatchObject({ handoff: reason });
      expect(store.commits[0].sink).toMatchObject({ handoff: { reason } });
    }
  });

  it("counts each step's request by kind and outcome", async () => {
    const registry = new Registry();
    const { store, io } = setup(loaded(CALL_AGENT));
    const executor = new TurnExecutor(
      { claimInTurn: store.claimInTurn.bind(store), commit: store.commit.bind(store) } as never,
      { get: () => Promise.resolve(loaded(CALL_AGENT)) } as never,
      { arm: () => Promise.resolve() } as never,
      ENV,
      io,
      new StepMetrics(registry),
    );
    store.claim = claimedAt(CALL_AGENT);
    io.outcomes = [{ kind: 'response', status: 404 }, { kind: 'timeout' }];
    await executor.run(visitor('A-1'));
    const text = await registry.metrics();
    expect(text).toContain('webim_step_requests_total{step="call",outcome="error"} 1');
    expect(text).toContain('webim_step_requests_total{step="call",outcome="timeout"} 1');
    expect(text).toContain('webim_step_requests_total{step="call",outcome="ok"} 0');
  });

  it('hands off with scenario_error when the requests loop past the step limit', async () => {
    const { agent } = compileAgent(
      `
start: ask
branches:
  ask:
    - wait: {}
    - goto: again
  again:
    - call: { url: "https://shop.example.com/ping", on: { ok: again, error: again, timeout: again } }
`,
      { channel: WEBIM_CHANNEL_VARIABLES },
    );
    const { store, executor, io } = setup(loaded(agent));
    store.claim = claimedAt(agent);
    io.outcomes = Array.from({ length: 200 }, () => ({ kind: 'timeout' as const }));
    expect(await executor.run(visitor('x'))).toMatchObject({ handoff: 'scenario_error' });
    expect(io.asked.length).toBeLessThan(ENV.SCENARIO_MAX_STEPS);
    expect(store.commits[0].conversation).toBeNull();
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

  it("runs an event's call within PROACTIVE_CALL_MAX_MS, renewing its lease while it waits", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const { store, executor, io } = setup(loaded(CALL_AGENT));
      store.claim = claimedAt(CALL_AGENT);
      let answer!: (outcome: IoOutcome) => void;
      io.outcomes = [new Promise<IoOutcome>((resolve) => (answer = resolve))];
      const running = executor.run(event());
      await jest.advanceTimersByTimeAsync(0);
      expect(io.asked).toHaveLength(1);
      expect(io.asked[0].budget).toEqual({ deadline: 1_000_000 + ENV.PROACTIVE_CALL_MAX_MS });
      expect(store.renewals).toEqual([]);
      await jest.advanceTimersByTimeAsync(3500);
      // Every third of the 5 s lease, each renewal another 5 s from its moment.
      expect(store.renewals).toEqual([1_001_666 + 5000, 1_003_332 + 5000]);
      answer({ kind: 'response', status: 200, body: { status: 'packed' } });
      expect(await running).toEqual({ status: 'delivered', messages: 2, dropped: 0 });
      expect(store.commits[0].messages).toEqual([
        { type: 'text', text: 'Order : packed' },
        { type: 'text', text: 'Thanks' },
      ]);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(store.renewals).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it("gives an event's requests one PROACTIVE_CALL_MAX_MS together, not each", async () => {
    jest.useFakeTimers({ now: 2_000_000 });
    try {
      const { store, executor, io } = setup(loaded(CALL_AGENT));
      store.claim = claimedAt(CALL_AGENT);
      let answer!: (outcome: IoOutcome) => void;
      io.outcomes = [new Promise<IoOutcome>((resolve) => (answer = resolve)), { kind: 'timeout' }];
      const running = executor.run(event());
      await jest.advanceTimersByTimeAsync(3000);
      answer({ kind: 'response', status: 404 });
      expect(await running).toMatchObject({ status: 'delivered', messages: 2 });
      expect(io.asked.map((a) => [a.at, a.budget.deadline])).toEqual([
        [2_000_000, 2_000_000 + ENV.PROACTIVE_CALL_MAX_MS],
        [2_003_000, 2_000_000 + ENV.PROACTIVE_CALL_MAX_MS],
      ]);
    } finally {
      jest.useRealTimers();
    }
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

describe('TurnExecutor: then: later', () => {
  const { agent: LATER_AGENT } = compileAgent(
    `
events: { shipped: shipped }
timers: { nudge: { after: 1m, goto: shipped } }
start: ask
branches:
  ask:
    - wait: { save: order }
    - say: "Let me check {{order}}"
    - call: { url: "https://shop.example.com/orders/{{order}}", save: { state: body.status }, then: later }
    - say: "Order {{order}}: {{state}}"
    - wait: { save: meanwhile }
    - say: "You said {{meanwhile}}"
    - wait: {}
  shipped:
    - say: "Shipped"
    - wait: {}
`,
    { channel: WEBIM_CHANNEL_VARIABLES },
  );

  /** The conversation as the visitor turn that reached the step committed it. */
  async function detached() {
    const first = setup(loaded(LATER_AGENT));
    first.store.claim = claimedAt(LATER_AGENT);
    await first.executor.run(visitor('A-1'));
    const conversation = first.store.commits[0].conversation!;
    return { first, conversation };
  }

  const laterTask = (later: LaterWork) =>
    proactiveTask('later.c.chat.t1', 1, {
      v: 1,
      kind: 'later',
      channelId: 'c',
      chatId: 'chat',
      agentId: 'shop',
      name: 'call',
      later,
    });

  it('answers with what was said so far, marks the conversation and queues the rest, unsent', async () => {
    const before = Date.now();
    const { first, conversation } = await detached();
    expect(first.io.asked).toEqual([]);
    expect(first.store.commits[0]).toMatchObject({
      messages: [{ type: 'text', text: 'Let me check A-1' }],
      sink: { kind: 'reply', handoff: null },
    });
    expect(conversation.state).toMatchObject({ status: 'awaiting', branch: 'ask', step: 2 });
    const until = conversation.state.later!.until;
    expect(conversation.state.later!.id).toBe('t1');
    expect(until).toBeGreaterThanOrEqual(before + ENV.PROACTIVE_CALL_MAX_MS);
    expect(first.laters).toEqual([
      {
        chat: expect.objectContaining({ channelId: 'c', chatId: 'chat', agentId: 'shop' }),
        later: {
          id: 't1',
          request: expect.objectContaining({ kind: 'call', detach: true }),
          input: { kind: 'text', text: 'A-1' },
        },
      },
    ]);
  });

  it('queues nothing when the answer came too late to commit', async () => {
    const { store, executor, laters } = setup(loaded(LATER_AGENT));
    store.claim = claimedAt(LATER_AGENT);
    store.committed = { status: 'settled', delivered: 0, dropped: 0, arm: [] };
    await executor.run(visitor('A-1'));
    expect(laters).toEqual([]);
  });

  it('makes the request before taking its place, then buffers the rest of the branch', async () => {
    const { first, conversation } = await detached();
    const { store, executor, io } = setup(loaded(LATER_AGENT));
    store.claim = { status: 'ok', conversation, values: [] };
    io.outcomes = [{ kind: 'response', status: 200, body: { status: 'shipped' } }];
    const result = await executor.run(laterTask(first.laters[0].later));
    expect(result).toEqual({ status: 'delivered', messages: 1, dropped: 0 });
    expect(io.asked[0].at).toBeLessThanOrEqual(Date.now());
    expect(io.asked[0].budget.deadline).toBeLessThanOrEqual(Date.now() + ENV.PROACTIVE_CALL_MAX_MS);
    const [commit] = store.commits;
    expect(commit.sink).toEqual({ kind: 'outbox', outboxMax: ENV.OUTBOX_MAX });
    expect(commit.messages).toEqual([{ type: 'text', text: 'Order A-1: shipped' }]);
    expect(commit.origin).toEqual({ source: 'later', step: 'call' });
    expect(commit.requests).toEqual([expect.objectContaining({ later: true, outcome: 'ok' })]);
    expect(commit.conversation?.state).toMatchObject({ status: 'waiting', step: 4 });
    expect(commit.conversation?.state.later).toBeUndefined();
  });

  it('holds a visitor’s message meanwhile for the rest of the branch', async () => {
    const { first, conversation } = await detached();
    const held = setup(loaded(LATER_AGENT));
    held.store.claim = { status: 'ok', conversation, values: [] };
    expect(await held.executor.run(visitor('hello?'))).toMatchObject({ status: 'answered' });
    const heldState = held.store.commits[0].conversation!;
    expect(held.store.commits[0].messages).toEqual([]);
    expect(heldState.state).toMatchObject({
      status: 'awaiting',
      later: conversation.state.later,
      pending: { kind: 'text', text: 'hello?' },
    });
    const rest = setup(loaded(LATER_AGENT));
    rest.store.claim = { status: 'ok', conversation: heldState, values: [] };
    rest.io.outcomes = [{ kind: 'response', status: 200, body: { status: 'packed' } }];
    await rest.executor.run(laterTask(first.laters[0].later));
    expect(rest.store.commits[0].messages).toEqual([
      { type: 'text', text: 'Order A-1: packed' },
      { type: 'text', text: 'You said hello?' },
    ]);
  });

  it('changes nothing when the conversation moved on before the request came back', async () => {
    const { first } = await detached();
    const { store, executor, io } = setup(loaded(LATER_AGENT));
    store.claim = claimedAt(LATER_AGENT);
    io.outcomes = [{ kind: 'response', status: 200, body: {} }];
    expect(await executor.run(laterTask(first.laters[0].later))).toEqual({ status: 'superseded' });
    expect(store.commits[0]).toMatchObject({ conversation: null, messages: [] });
  });

  it('starts the conversation again once the rest of the branch is overdue', async () => {
    const { conversation } = await detached();
    const overdue = {
      ...conversation,
      state: { ...conversation.state, later: { id: 't1', until: Date.now() - 1 } },
    };
    const { store, executor } = setup(loaded(LATER_AGENT));
    store.claim = { status: 'ok', conversation: overdue, values: [] };
    await executor.run(visitor('B-2'));
    expect(store.commits[0].messages).toEqual([{ type: 'text', text: 'Let me check B-2' }]);
  });

  it('postpones events and timers while the request is out', async () => {
    const { conversation } = await detached();
    const { store, executor } = setup(loaded(LATER_AGENT));
    store.claim = { status: 'ok', conversation, values: [] };
    const before = Date.now();
    const postponed = await executor.run(event());
    expect(postponed).toMatchObject({ status: 'postponed' });
    expect((postponed as { until: number }).until).toBeGreaterThanOrEqual(before + 1000);
    expect(store.postponed).toEqual([{ armedField: '', armed: '' }]);
    store.claim = { status: 'ok', conversation, values: [String(before - 1), 'timer-job|1'] };
    expect(await executor.run(timer())).toMatchObject({ status: 'postponed' });
    expect(store.postponed[1].armedField).toBe('armed:shop:nudge');
    expect(store.commits).toEqual([]);
  });
});

describe('TurnExecutor: REDIS_MIN_REPLICAS_ACK', () => {
  const withReplicas = () => setup(undefined, new ReplicaAck(1, 500));

  it("publishes a visitor turn's answer itself, once the replicas have the commit", async () => {
    const { store, executor, waits, published } = withReplicas();
    expect(await executor.run(visitor('A-1'))).toMatchObject({ status: 'answered' });
    expect(store.commits[0].sink).toMatchObject({ kind: 'reply', publishLater: true });
    expect(waits).toEqual(['store']);
    expect(published).toEqual([
      expect.objectContaining({ turnId: 't1', replyTo: 'replies:gw', jobId: 'job-1' }),
    ]);
  });

  it('answers all the same when the replicas are slow: the visitor keeps the window', async () => {
    const { executor, published, replicasAck } = withReplicas();
    replicasAck(0);
    expect(await executor.run(visitor('A-1'))).toMatchObject({ status: 'answered' });
    expect(published).toHaveLength(1);
  });

  it('waits on the connection that armed timers, the last to write', async () => {
    const { store, executor, waits } = withReplicas();
    store.committed = { ...store.committed, arm: [{ agentId: 'shop', name: 'nudge', dueAt: 1 }] };
    await executor.run(event());
    expect(waits).toEqual(['queue']);
  });

  it('fails a proactive job whose commit the replicas lack, so that it runs again', async () => {
    const { executor, replicasAck } = withReplicas();
    replicasAck(0);
    await expect(executor.run(event())).rejects.toThrow(/0 of 1 replica/);
  });

  it('sends no WAIT and publishes nothing itself when off', async () => {
    const { store, executor, waits, published } = setup();
    await executor.run(visitor('A-1'));
    await executor.run(event());
    expect(store.commits[0].sink).not.toHaveProperty('publishLater');
    expect(waits).toEqual([]);
    expect(published).toEqual([]);
  });
});
