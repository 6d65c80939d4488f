import Redis from 'ioredis';
import {
  checkTimer,
  CommitSink,
  ConversationStore,
  decodeReplyEnvelope,
  replyChannel,
  StoredConversation,
  timerFields,
  timerJobId,
  timerOps,
  TurnReply,
} from '@app/conversation';
import { Launcher, LocalRedisServer } from '@app/launcher';
import type { TurnEffect } from '@app/scenario';

// The turn protocol's guarantees, checked against a real redis-server. Time is never waited
// for: an expired lease or deadline is a timestamp in the past, a live one is in the future.

const CHANNEL = 'ch';
const CHAT = 'chat-1';
const LIVE = () => Date.now() + 60_000;
const EXPIRED = () => Date.now() - 1;
const WINDOW_MS = 5_000;

function conversation(turns: number): StoredConversation {
  return {
    agentId: 'agent',
    agentVersion: 1,
    state: { v: 1, status: 'waiting', branch: 'main', step: turns, vars: {}, turns },
  };
}

function answer(text: string): TurnReply {
  return { messages: [{ type: 'text', text }], handoff: null };
}

describe('ConversationStore on a real Redis', () => {
  const launcher = new Launcher();
  let server: LocalRedisServer;
  let redis: Redis;
  let subscriber: Redis;
  let n = 0;
  let prefix: string;
  let store: ConversationStore;

  beforeAll(async () => {
    server = await launcher.startRedis();
    redis = new Redis(server.url);
    subscriber = new Redis(server.url);
  });

  afterAll(async () => {
    await subscriber?.quit();
    await redis?.quit();
    await launcher.stop();
  });

  // A fresh key prefix per test, so no test sees another's chats, turns or reply channel.
  beforeEach(() => {
    n += 1;
    prefix = `t${n}`;
    store = new ConversationStore(redis, {
      keyPrefix: prefix,
      conversationTtlSec: 3600,
      outcomeTtlMs: 60_000,
    });
  });

  const admit = async (hash: string, deadline = LIVE(), chatId = CHAT, channelId = CHANNEL) =>
    (
      await store.admit({
        channelId,
        chatId,
        requestHash: hash,
        deadline,
        dedupWindowMs: WINDOW_MS,
      })
    ).turnId;

  /** Admits a request of the test's chat, live, and says what admission decided. */
  const admitRequest = (
    requestHash: string,
    options: { dedupWindowMs?: number; turnId?: string } = {},
  ) =>
    store.admit({
      channelId: CHANNEL,
      chatId: CHAT,
      requestHash,
      deadline: LIVE(),
      dedupWindowMs: WINDOW_MS,
      ...options,
    });

  const claim = (turnId: string, leaseUntil = LIVE(), chatId = CHAT, channelId = CHANNEL) =>
    store.claim({ channelId, chatId, turnId, leaseUntil });

  const commit = (
    turnId: string,
    reply: TurnReply,
    stored: StoredConversation | null = null,
    chatId = CHAT,
    channelId = CHANNEL,
  ) =>
    store
      .commit({
        channelId,
        chatId,
        turnId,
        conversation: stored,
        messages: reply.messages,
        sink: replySink(reply, turnId),
        origin: { source: 'webim' },
        timers: [],
      })
      .then((result) => result.status);

  /** A visitor turn's sink: its reply goes to this test's reply channel. */
  const replySink = (reply: TurnReply, turnId: string): CommitSink => ({
    kind: 'reply',
    handoff: reply.handoff,
    replyTo: replyChannel(prefix, 'gw-1'),
    jobId: `job-${turnId}`,
  });

  const keys = (chatId = CHAT) => store.keys({ channelId: CHANNEL, chatId });
  const turnList = (chatId = CHAT) => redis.lrange(keys(chatId).turns, 0, -1);
  const chat = { channelId: CHANNEL, chatId: CHAT };

  /**
   * Subscribes to this test's reply channel and resolves once the subscription is active:
   * Pub/Sub keeps nothing for late subscribers. `next` is the next message published on it.
   */
  async function subscribeToReplies(): Promise<{ next: Promise<string> }> {
    const channel = replyChannel(prefix, 'gw-1');
    const next = new Promise<string>((resolve) => {
      const onMessage = (from: string, text: string) => {
        if (from !== channel) return;
        subscriber.off('message', onMessage);
        resolve(text);
      };
      subscriber.on('message', onMessage);
    });
    await subscriber.subscribe(channel);
    return { next };
  }

  describe('admit', () => {
    it('lists turns in arrival order under the ids the gateway chose, and counts them', async () => {
      const ids = [await admit('h1'), await admit('h2'), await admit('h3')];

      expect(new Set(ids).size).toBe(3);
      expect(await turnList()).toEqual(ids);
      expect((await store.read(CHANNEL, CHAT)).turns).toBe(3);
      const chosen = await admitRequest('h4', { turnId: 'chosen-1' });
      expect(chosen).toEqual({ turnId: 'chosen-1', isNew: true });
    });

    it('gives an identical request within the dedup window the same turn, not a new one', async () => {
      const first = await admitRequest('same');
      const again = await admitRequest('same');

      expect(first.isNew).toBe(true);
      expect(again).toEqual({ turnId: first.turnId, isNew: false });
      expect(await turnList()).toEqual([first.turnId]);
    });

    it('lets the job of a re-sent request find itself gone, without waiting for the chat', async () => {
      const first = await admitRequest('same');
      const resent = await admitRequest('same', { turnId: 'resent-1' });
      expect(resent).toEqual({ turnId: first.turnId, isNew: false });

      // The first turn holds the chat; the re-sent one's job must not wait behind it.
      expect(await claim('resent-1')).toEqual({ status: 'gone' });
      expect(await turnList()).toEqual([first.turnId]);
    });

    it('gives an identical request outside the dedup window a new turn', async () => {
      const first = await admitRequest('same', { dedupWindowMs: 0 });
      const again = await admitRequest('same', { dedupWindowMs: 0 });

      expect(again.isNew).toBe(true);
      expect(again.turnId).not.toBe(first.turnId);
      expect(await turnList()).toEqual([first.turnId, again.turnId]);
    });

    it('gives a different request a new turn even within the window', async () => {
      const first = await admitRequest('a');
      const other = await admitRequest('b');

      expect(other.isNew).toBe(true);
      expect(other.turnId).not.toBe(first.turnId);
    });

    it('compares only with the latest request of the chat', async () => {
      // Webim re-sends the request it is waiting on, which is always the chat's latest one.
      const a = await admit('a');
      await admit('b');
      const aAgain = await admitRequest('a');

      expect(aAgain.isNew).toBe(true);
      expect(aAgain.turnId).not.toBe(a);
    });
  });

  describe('claim', () => {
    it('lets the head of a new chat run, with no stored conversation', async () => {
      const t1 = await admit('h1');
      expect(await claim(t1)).toEqual({ status: 'ok', conversation: null, values: [] });
    });

    it('makes a turn wait behind a head whose lease is live', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');

      expect(await claim(t2)).toEqual({ status: 'wait' });
      expect(await turnList()).toEqual([t1, t2]);
    });

    it('drops a head whose lease has passed and lets the next turn run', async () => {
      const t1 = await admit('h1', EXPIRED());
      const t2 = await admit('h2');

      expect(await claim(t2)).toEqual({ status: 'ok', conversation: null, values: [] });
      expect(await turnList()).toEqual([t2]);
      expect(await redis.hexists(keys(CHAT).leases, t1)).toBe(0);
    });

    it("extends the head's lease, so that the next turn keeps waiting past the deadline", async () => {
      const t1 = await admit('h1', EXPIRED());
      const t2 = await admit('h2');

      expect((await claim(t1, LIVE())).status).toBe('ok');
      expect(await claim(t2)).toEqual({ status: 'wait' });
    });

    it('answers settled for a turn the gateway handed off, and frees its place', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');
      expect(await store.settle({ ...chat, turnId: t1, reason: 'timeout' })).toBeNull();

      expect(await claim(t1)).toEqual({ status: 'settled' });
      expect(await turnList()).toEqual([t2]);
      // t1's deadline is still in the future: only its removal lets t2 run now.
      expect(await claim(t2)).toEqual({ status: 'ok', conversation: null, values: [] });
    });

    it('answers gone for a turn whose place was dropped', async () => {
      const t1 = await admit('h1', EXPIRED());
      const t2 = await admit('h2');
      await claim(t2);
      expect(await commit(t2, answer('two'))).toBe('ok');

      expect(await claim(t1)).toEqual({ status: 'gone' });
    });

    it('returns the conversation committed by the previous turn', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');
      await claim(t1);
      await commit(t1, answer('one'), conversation(1));

      expect(await claim(t2)).toEqual({ status: 'ok', conversation: conversation(1), values: [] });
    });
  });

  describe('commit', () => {
    it('stores the conversation and publishes "<jobId>\\n<reply json>" on the reply channel', async () => {
      const t1 = await admit('h1');
      await claim(t1);
      const replies = await subscribeToReplies();
      const reply = answer('hello');

      expect(await commit(t1, reply, conversation(1))).toBe('ok');

      const message = await replies.next;
      expect(message).toBe(`job-${t1}\n${JSON.stringify(reply)}`);
      expect(decodeReplyEnvelope(message)).toEqual({
        jobId: `job-${t1}`,
        replyJson: JSON.stringify(reply),
      });
      expect(await store.read(CHANNEL, CHAT)).toEqual({
        conversation: conversation(1),
        handoff: null,
        turns: 1,
      });
      expect(await turnList()).toEqual([]);
    });

    it('records the reply as the outcome of the turn', async () => {
      const t1 = await admit('h1');
      await claim(t1);
      const reply: TurnReply = {
        messages: [{ type: 'keyboard', buttons: [[{ id: 'a', text: 'A' }]] }],
        handoff: null,
      };
      await commit(t1, reply, conversation(1));

      expect(await store.outcome(CHANNEL, CHAT, t1)).toEqual(reply);
      expect(await store.outcome(CHANNEL, CHAT, `${t1}0`)).toBeNull();
    });

    it('keeps the stored conversation when committed without one', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');
      await claim(t1);
      await commit(t1, answer('one'), conversation(1));
      await claim(t2);

      expect(await commit(t2, answer('two'), null)).toBe('ok');
      expect((await store.read(CHANNEL, CHAT)).conversation).toEqual(conversation(1));
    });

    it("records the scenario's hand-off and clears it on the next answered turn", async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');
      await claim(t1);
      const before = Date.now();
      await commit(
        t1,
        { messages: [], handoff: { reason: 'bot_handoff', detail: 'asked for a human' } },
        conversation(1),
      );

      const { handoff } = await store.read(CHANNEL, CHAT);
      expect(handoff).toEqual({
        reason: 'bot_handoff',
        detail: 'asked for a human',
        turnId: t1,
        at: expect.any(Number),
      });
      expect(handoff!.at).toBeGreaterThanOrEqual(before);

      await claim(t2);
      await commit(t2, answer('back'), conversation(2));
      expect((await store.read(CHANNEL, CHAT)).handoff).toBeNull();
    });

    it('answers late after the gateway handed off, changing nothing but freeing the turn', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');
      const t3 = await admit('h3');
      await claim(t1);
      await commit(t1, answer('one'), conversation(1));
      await claim(t2);
      expect(await store.settle({ ...chat, turnId: t2, reason: 'timeout' })).toBeNull();
      const replies = await subscribeToReplies();

      expect(await commit(t2, answer('too late'), conversation(2))).toBe('settled');

      const after = await store.read(CHANNEL, CHAT);
      expect(after.conversation).toEqual(conversation(1));
      expect(after.handoff).toMatchObject({ reason: 'timeout', turnId: t2 });
      expect(await store.outcome(CHANNEL, CHAT, t2)).toEqual({
        messages: [],
        handoff: { reason: 'timeout' },
      });
      expect(await claim(t3)).toEqual({ status: 'ok', conversation: conversation(1), values: [] });
      // Replies are delivered in publish order: had the late commit published, its message
      // would arrive before t3's.
      await commit(t3, answer('three'), conversation(2));
      expect(decodeReplyEnvelope(await replies.next)?.jobId).toBe(`job-${t3}`);
    });

    it('answers lost for a turn that is no longer the head, changing nothing', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');
      // t1's worker hung past its lease; t2's claim drops it.
      await claim(t1, EXPIRED());
      expect((await claim(t2)).status).toBe('ok');

      expect(await commit(t1, answer('one'), conversation(1))).toBe('lost');
      expect(await store.read(CHANNEL, CHAT)).toMatchObject({ conversation: null, handoff: null });
      expect(await store.outcome(CHANNEL, CHAT, t1)).toBeNull();
      expect(await turnList()).toEqual([t2]);
      expect(await commit(t2, answer('two'), conversation(2))).toBe('ok');
    });

    it('answers lost for a turn behind the head', async () => {
      const t1 = await admit('h1');
      const t2 = await admit('h2');

      expect(await commit(t2, answer('two'), conversation(2))).toBe('lost');
      expect(await turnList()).toEqual([t1, t2]);
    });
  });

  describe('timers', () => {
    const field = timerFields({ agentId: 'agent', name: 'nudge' });
    const hash = () => redis.hgetall(keys(CHAT).chat);
    /** A job armed for the timer, as a commit that asked for one leaves it. */
    const markArmed = (value: string) => redis.hset(keys(CHAT).chat, field.armed, value);
    /** Commits a turn whose scenario started (or, with delayMs null, cancelled) the timer. */
    const turnWithTimer = async (delayMs: number | null, now: number) => {
      const t = await admit(`h${Math.random()}`);
      await claim(t);
      const effects: TurnEffect[] =
        delayMs === null
          ? [{ type: 'cancel_timer', name: 'nudge' }]
          : [{ type: 'start_timer', name: 'nudge', delayMs }];
      return store.commit({
        channelId: CHANNEL,
        chatId: CHAT,
        turnId: t,
        conversation: conversation(1),
        messages: answer('ok').messages,
        sink: replySink(answer('ok'), t),
        origin: { source: 'webim' },
        timers: timerOps(chat, 'agent', effects, now),
      });
    };

    it('asks for a job when a timer starts with none armed, and only moves it when restarted later', async () => {
      const now = Date.now();
      const first = await turnWithTimer(30_000, now);
      expect(first.arm).toEqual([{ agentId: 'agent', name: 'nudge', dueAt: now + 30_000 }]);
      // The commit marks the timer armed for the job the worker adds next.
      const job = timerJobId(chat, { agentId: 'agent', name: 'nudge', dueAt: now + 30_000 });
      expect((await hash())[field.armed]).toBe(`${job}|${now + 30_000}`);
      await markArmed(`job-a|${now + 30_000}`);

      const again = await turnWithTimer(30_000, now + 1000);
      expect(again.arm).toEqual([]);
      expect(await hash()).toMatchObject({
        [field.due]: String(now + 31_000),
        [field.armed]: `job-a|${now + 30_000}`,
      });
    });

    it('asks for another job when restarted earlier than the armed one looks', async () => {
      const now = Date.now();
      await turnWithTimer(60_000, now);
      await markArmed(`job-a|${now + 60_000}`);

      expect((await turnWithTimer(5000, now)).arm).toEqual([
        { agentId: 'agent', name: 'nudge', dueAt: now + 5000 },
      ]);
    });

    it('replaces an armed job that should have looked more than a minute ago', async () => {
      const now = Date.now();
      await markArmed(`job-lost|${now - 61_000}`);
      expect((await turnWithTimer(1000, now)).arm).toHaveLength(1);
    });

    it('forgets the due time on a cancel and keeps the armed job, which will find it gone', async () => {
      const now = Date.now();
      await turnWithTimer(30_000, now);
      await markArmed(`job-a|${now + 30_000}`);
      await turnWithTimer(null, now);

      const fields = await hash();
      expect(fields[field.due]).toBeUndefined();
      expect(fields[field.armed]).toBe(`job-a|${now + 30_000}`);
      expect(checkTimer('job-a', '', fields[field.armed], now + 30_000)).toEqual({
        action: 'skip',
        why: 'cancelled',
      });
    });

    it('reads the timer with the claim, and postpones a timer turn to its new due time', async () => {
      const now = Date.now();
      await turnWithTimer(30_000, now);
      await markArmed(`job-a|${now + 30_000}`);
      const p1 = 'p-timer';
      await store.join({ ...chat, turnId: p1, leaseUntil: LIVE() });

      const claimed = await store.claim({
        ...chat,
        turnId: p1,
        leaseUntil: LIVE(),
        fields: [field.due, field.armed],
      });
      expect(claimed).toMatchObject({
        status: 'ok',
        values: [String(now + 30_000), `job-a|${now + 30_000}`],
      });
      expect(
        await store.postpone({
          ...chat,
          turnId: p1,
          armedField: field.armed,
          armed: `job-a|${now + 45_000}`,
        }),
      ).toBe('ok');
      expect(await turnList()).toEqual([]);
      expect((await hash())[field.armed]).toBe(`job-a|${now + 45_000}`);
      // Postponed, not done: the same turn takes its place again when the job runs again.
      await store.join({ ...chat, turnId: p1, leaseUntil: LIVE() });
      expect((await store.claim({ ...chat, turnId: p1, leaseUntil: LIVE() })).status).toBe('ok');
    });

    it('clears a fired timer, and arms it again when its branch starts it again', async () => {
      const now = Date.now();
      await turnWithTimer(1000, now);
      await markArmed(`job-a|${now + 1000}`);
      const p1 = 'p-fire';
      await store.join({ ...chat, turnId: p1, leaseUntil: LIVE() });
      await store.claim({ ...chat, turnId: p1, leaseUntil: LIVE() });

      const restart: TurnEffect[] = [{ type: 'start_timer', name: 'nudge', delayMs: 1000 }];
      const fired = await store.commit({
        ...chat,
        turnId: p1,
        conversation: conversation(2),
        messages: [{ type: 'text', text: 'Still there?' }],
        sink: { kind: 'outbox', outboxMax: 10 },
        origin: { source: 'timer', name: 'nudge' },
        timers: timerOps(chat, 'agent', restart, now + 1000, 'nudge'),
      });
      expect(fired).toEqual({
        status: 'ok',
        delivered: 0,
        dropped: 0,
        arm: [{ agentId: 'agent', name: 'nudge', dueAt: now + 2000 }],
      });
      const fields = await hash();
      expect(fields[field.due]).toBe(String(now + 2000));
      // The fired job's mark is gone; the new one names the job the worker adds next.
      const job = timerJobId(chat, { agentId: 'agent', name: 'nudge', dueAt: now + 2000 });
      expect(fields[field.armed]).toBe(`${job}|${now + 2000}`);
    });
  });

  describe('proactive turns', () => {
    const commitToOutbox = (turnId: string, text: string) =>
      store.commit({
        ...chat,
        turnId,
        conversation: null,
        messages: [{ type: 'text', text }],
        sink: { kind: 'outbox', outboxMax: 10 },
        origin: null,
        timers: [],
      });

    it('keep the one place a retried job first took, and leave none behind', async () => {
      const t1 = await admit('h1');
      await store.join({ ...chat, turnId: 'p-1', leaseUntil: LIVE() });
      const t2 = await admit('h2');
      // The job again, under the same turn id: a retry after its worker died, or the renewal
      // of its place while it waits behind t1.
      await store.join({ ...chat, turnId: 'p-1', leaseUntil: LIVE() });
      await store.join({ ...chat, turnId: 'p-1', leaseUntil: LIVE() });
      expect(await turnList()).toEqual([t1, 'p-1', t2]);

      await claim(t1);
      await commit(t1, answer('one'), conversation(1));
      expect(await claim('p-1')).toMatchObject({ status: 'ok' });
      expect(await commitToOutbox('p-1', 'news')).toMatchObject({ status: 'ok' });
      expect(await claim(t2)).toMatchObject({ status: 'ok' });
      expect(await commit(t2, answer('two'), conversation(2))).toBe('ok');
      expect(await turnList()).toEqual([]);
    });

    it('stay done as long as their conversation lives, so that a retry however late finds them done', async () => {
      await store.join({ ...chat, turnId: 'p-1', leaseUntil: LIVE() });
      await claim('p-1');
      expect(await commitToOutbox('p-1', 'news')).toMatchObject({ status: 'ok' });
      // A visitor turn's outcome lasts outcomeTtlMs (60 s here); this one conversationTtlSec.
      const ttl = await redis.pttl(keys().outcome('p-1'));
      expect(ttl).toBeGreaterThan(3_590_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
      // The job again, its worker having died after the commit: it finds the turn done.
      await store.join({ ...chat, turnId: 'p-1', leaseUntil: LIVE() });
      expect(await claim('p-1')).toEqual({ status: 'settled' });
      expect(await turnList()).toEqual([]);
      expect(await store.outbox(CHANNEL, CHAT)).toEqual([{ type: 'text', text: 'news' }]);
    });
  });

  describe('settle', () => {
    it('wins over a worker that has not committed, and records the hand-off', async () => {
      const t1 = await admit('h1');
      const before = Date.now();

      expect(await store.settle({ ...chat, turnId: t1, reason: 'timeout' })).toBeNull();

      const { handoff } = await store.read(CHANNEL, CHAT);
      expect(handoff).toEqual({ reason: 'timeout', turnId: t1, at: expect.any(Number) });
      expect(handoff!.at).toBeGreaterThanOrEqual(before);
      expect(await store.outcome(CHANNEL, CHAT, t1)).toEqual({
        messages: [],
        handoff: { reason: 'timeout' },
      });
    });

    it('returns the reply of a worker that committed first, and records no hand-off', async () => {
      const t1 = await admit('h1');
      await claim(t1);
      await commit(t1, answer('made it'), conversation(1));

      expect(await store.settle({ ...chat, turnId: t1, reason: 'timeout' })).toEqual(
        answer('made it'),
      );
      expect((await store.read(CHANNEL, CHAT)).handoff).toBeNull();
      expect(await store.outcome(CHANNEL, CHAT, t1)).toEqual(answer('made it'));
    });

    it('keeps the first hand-off when settled twice', async () => {
      const t1 = await admit('h1');
      await store.settle({ ...chat, turnId: t1, reason: 'timeout' });

      expect(await store.settle({ ...chat, turnId: t1, reason: 'breaker_open' })).toEqual({
        messages: [],
        handoff: { reason: 'timeout' },
      });
      expect((await store.read(CHANNEL, CHAT)).handoff?.reason).toBe('timeout');
    });
  });

  describe('chats', () => {
    it('keep their turns and conversations apart', async () => {
      const a1 = await admit('same', LIVE(), 'chat-a');
      const b1 = await admit('same', LIVE(), 'chat-b');
      const a2 = await admit('a2', LIVE(), 'chat-a');
      await claim(a1, LIVE(), 'chat-a');

      // chat-a's live head holds back chat-a only.
      expect(await claim(a2, LIVE(), 'chat-a')).toEqual({ status: 'wait' });
      expect(await claim(b1, LIVE(), 'chat-b')).toEqual({
        status: 'ok',
        conversation: null,
        values: [],
      });
      await commit(b1, answer('b'), conversation(7), 'chat-b');

      expect(await store.read(CHANNEL, 'chat-a')).toMatchObject({ conversation: null, turns: 2 });
      expect(await store.read(CHANNEL, 'chat-b')).toMatchObject({
        conversation: conversation(7),
        turns: 1,
      });
      expect(await store.outcome(CHANNEL, 'chat-a', a1)).toBeNull();
    });

    it('of the same id in two channels are two chats', async () => {
      const x = await admit('h', LIVE(), CHAT, 'ch-x');
      const y = await admit('h', LIVE(), CHAT, 'ch-y');
      await claim(x, LIVE(), CHAT, 'ch-x');

      expect(await claim(y, LIVE(), CHAT, 'ch-y')).toEqual({
        status: 'ok',
        conversation: null,
        values: [],
      });
      expect(await commit(y, answer('y'), conversation(1), CHAT, 'ch-y')).toBe('ok');
      expect((await store.read('ch-x', CHAT)).conversation).toBeNull();
    });

    it.each(['a:b', '{x}', 'x}:turns', 'x}:out:1-1', '}{', ':'])(
      'work with the id %j, apart from a chat whose keys it imitates',
      async (chatId) => {
        // 'x' is the chat whose key suffixes some of these ids copy.
        const other = await admit('h', LIVE(), 'x');
        await claim(other, LIVE(), 'x');

        const t1 = await admit('h1', LIVE(), chatId);
        const t2 = await admit('h2', LIVE(), chatId);
        expect(await claim(t1, LIVE(), chatId)).toEqual({
          status: 'ok',
          conversation: null,
          values: [],
        });
        expect(await claim(t2, LIVE(), chatId)).toEqual({ status: 'wait' });
        expect(await commit(t1, answer('one'), conversation(1), chatId)).toBe('ok');
        expect(await claim(t2, LIVE(), chatId)).toEqual({
          status: 'ok',
          conversation: conversation(1),
          values: [],
        });

        expect(await store.read(CHANNEL, chatId)).toMatchObject({
          conversation: conversation(1),
          turns: 2,
        });
        expect(await store.read(CHANNEL, 'x')).toMatchObject({ conversation: null, turns: 1 });
        expect(await turnList('x')).toEqual([other]);
      },
    );

    it('keep all keys of one chat under one cluster hash tag, whatever the id', () => {
      const hashTag = (key: string) => {
        const open = key.indexOf('{');
        const close = key.indexOf('}', open + 1);
        return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
      };
      for (const chatId of ['plain', 'a:b', '{x}', 'x}y', '}{']) {
        const k = keys(chatId);
        const tags = new Set([k.chat, k.turns, k.leases, k.outcome('1-1')].map(hashTag));
        expect(tags.size).toBe(1);
      }
    });
  });
});
