import { performance } from 'node:perf_hooks';
import { eventJobId, PROACTIVE_QUEUE, timerFields } from '@app/conversation';
import { ReplicationLink } from './support/replication-link';
import { SentinelGroup } from './support/sentinel-group';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';
import { transcript, WebimClient } from './support/webim-client';

// What a failover can lose, made certain: the replica's link is held while the master accepts
// writes, then the master is killed and what it held never arrives. Redis replicates
// asynchronously, so by default an accepted incoming request, an answered turn and the timer
// it started are gone. REDIS_MIN_REPLICAS_ACK makes the product accept, answer and finish only
// what the replicas have: the same sequence then loses nothing anybody was told.

const AGENT = `
timers:
  remind: { after: 10m, goto: remind }
events:
  ping: ping
start: hello
branches:
  hello:
    - say: "hi"
    - goto: loop
  loop:
    - wait: {}
    - route:
        - { text: "^remind me$", goto: set_reminder }
        - { goto: echo }
  set_reminder:
    - start_timer: remind
    - say: "I will remind you."
    - goto: loop
  echo:
    - say: "noted {{client_message}}"
    - goto: loop
  remind:
    - say: "A reminder."
    - goto: loop
  ping:
    - say: "event {{event_n}}"
    - goto: loop
`;

const CHANNEL = 'ha';
const TIMER_DUE = timerFields({ agentId: CHANNEL, name: 'remind' }).due;

/** A Sentinel group whose replica replicates through a link the test holds, and the product. */
class HeldReplication {
  group!: SentinelGroup;
  link!: ReplicationLink;
  stack!: TestStack;
  webim!: WebimClient;

  async start(env: Record<string, string>): Promise<void> {
    this.group = await SentinelGroup.start({
      replicaVia: async (port) => (this.link = await ReplicationLink.start(port)).port,
    });
    this.stack = await TestStack.start({
      redis: this.group.master,
      clientOptions: this.group.clientOptions,
      env: { ...this.group.env, BREAKER_RESET_MS: '500', ...env },
    });
    this.webim = this.stack.webim(await this.stack.addChannel(CHANNEL, AGENT));
  }

  async close(): Promise<void> {
    await this.stack?.close().catch(() => undefined);
    await this.group?.close();
  }

  /** The master's own client, for what it holds that the replica does not. */
  get master() {
    return this.group.client(this.group.master.port);
  }

  /** Holds the link once the replica has everything written so far. */
  async holdReplication(): Promise<void> {
    await this.master.set('wg:test:probe', String(Date.now()));
    expect(await this.master.wait(1, 5000)).toBe(1);
    this.link.hold();
  }

  /** Kills the master, drops what the link held, and waits for the product on the new one. */
  async failover(): Promise<void> {
    await this.group.master.stop('SIGKILL');
    this.link.cut();
    await waitFor(
      'the Sentinels to promote the replica',
      async () => (await this.group.masterPort().catch(() => 0)) === this.group.replica.port,
      { timeoutMs: 15_000, everyMs: 100 },
    );
    await this.stack.gatewayReady();
  }

  /** Starts the old master again: the Sentinels make it a replica of the new one. */
  async oldMasterBack(): Promise<void> {
    await this.group.master.restart();
    await waitFor(
      'the old master to replicate the new one',
      async () => {
        const info = await this.group.client(this.group.replica.port).info('replication');
        return /connected_slaves:1/.test(info) && /state=online/.test(info);
      },
      { timeoutMs: 20_000, everyMs: 100 },
    );
  }

  sendEvent(chatId: string, n: number): Promise<Response> {
    return this.stack.api(`/api/channels/${CHANNEL}/chats/${chatId}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `ping-${n}` },
      body: JSON.stringify({ name: 'ping', data: { n } }),
    });
  }

  /** Whether the incoming request's job is in Redis (the client follows the master). */
  async eventJobExists(chatId: string, n: number): Promise<boolean> {
    const key = `{wg}:${PROACTIVE_QUEUE}:${eventJobId(CHANNEL, chatId, `ping-${n}`)}`;
    return (await this.stack.client.exists(key)) === 1;
  }

  timerDue(chatId: string, via = this.stack.client): Promise<string | null> {
    return via.hget(this.stack.conversations.keys({ channelId: CHANNEL, chatId }).chat, TIMER_DUE);
  }

  /** The bot answers again: a chat's message gets its answer (the breaker may need a trial). */
  async answersAgain(chatId: string): Promise<string[]> {
    return waitFor(
      'the bot to answer again',
      async () => {
        const { body } = await this.webim.say(chatId, 'again');
        return body.has_answer ? transcript(body) : undefined;
      },
      { timeoutMs: 10_000, everyMs: 100 },
    );
  }
}

describe('a failover with writes the replica does not have', () => {
  const ha = new HeldReplication();
  beforeAll(() => ha.start({}));
  afterAll(() => ha.close());

  it('loses an accepted incoming request, an answered turn and the timer it started', async () => {
    await ha.webim.newChat('a');
    await ha.webim.newChat('b');
    await ha.holdReplication();

    expect((await ha.sendEvent('a', 1)).status).toBe(202);
    const answered = await ha.webim.say('b', 'remind me');
    expect(transcript(answered.body)).toEqual(['I will remind you.']);
    // Written on the master, held before the replica.
    expect(await ha.timerDue('b', ha.master)).not.toBeNull();
    expect(ha.link.heldLength).toBeGreaterThan(0);

    await ha.failover();
    expect(await ha.eventJobExists('a', 1)).toBe(false);
    expect(await ha.timerDue('b')).toBeNull();
    expect(await ha.answersAgain('a')).toEqual(['noted again']); // no "event 1", ever
  });
});

describe('REDIS_MIN_REPLICAS_ACK=1 through the same failover', () => {
  const ha = new HeldReplication();
  const ackTimeoutMs = 900;
  beforeAll(() =>
    ha.start({ REDIS_MIN_REPLICAS_ACK: '1', REDIS_REPLICA_ACK_TIMEOUT_MS: String(ackTimeoutMs) }),
  );
  afterAll(() => ha.close());

  it('accepts and answers only what the replica has, so nothing acknowledged is lost', async () => {
    // Replicated, the product works as usual.
    expect(transcript((await ha.webim.newChat('a')).body)).toEqual(['hi']);
    expect(transcript((await ha.webim.newChat('b')).body)).toEqual(['hi']);
    expect((await ha.sendEvent('a', 0)).status).toBe(202);
    await waitFor('event 0 to be buffered', async () => {
      return (await ha.stack.conversations.outbox(CHANNEL, 'a')).length === 1;
    });
    await ha.holdReplication();

    // The incoming request is not accepted: 503, to be retried with the same key.
    const started = performance.now();
    const refused = await ha.sendEvent('a', 1);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { message: string }).message).toMatch(/same Idempotency-Key/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(ackTimeoutMs - 50);

    // The turn commits on the master, which dies before the replica has it: its answer was
    // never sent, and Webim gets a hand-off inside its window.
    const pending = ha.webim.say('b', 'remind me');
    await waitFor('the turn to commit on the master', () => ha.timerDue('b', ha.master));
    await ha.failover();
    const handedOff = await pending;
    expect(handedOff.body).toEqual({ has_answer: false });
    expect(handedOff.ms).toBeLessThan(5000);
    expect(await ha.timerDue('b')).toBeNull(); // as the visitor was told: nothing

    // The new master has no replica yet: nothing is accepted until one has caught up.
    expect(await ha.eventJobExists('a', 1)).toBe(false);
    expect((await ha.sendEvent('a', 1)).status).toBe(503);
    // Once the old master is back as its replica, the retry is accepted, and its message
    // reaches the visitor.
    await ha.oldMasterBack();
    expect((await ha.sendEvent('a', 1)).status).toBe(202);
    await waitFor('event 1 to be buffered', async () => {
      return (await ha.stack.conversations.outbox(CHANNEL, 'a')).length === 2;
    });
    expect(await ha.answersAgain('a')).toEqual(['event 0', 'event 1', 'noted again']);
  });
});
