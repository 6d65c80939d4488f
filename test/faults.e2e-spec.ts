import { Redis } from 'ioredis';
import { TURN_QUEUE, TurnJobData, turnJobId } from '@app/conversation';
import { COUNTING_AGENT, HANGING_AGENT } from './support/agents';
import { TestStack } from './support/test-stack';
import { transcript } from './support/webim-client';
import { waitFor } from './support/wait-for';

// Whatever fails, Webim gets a valid answer inside the budget: the bot's, or the hand-off.

const BUDGET = 800;

describe('no worker running', () => {
  let stack: TestStack;
  afterAll(() => stack.close());

  it('hands off within REPLY_BUDGET_MS + 250 ms, and the late job never runs', async () => {
    stack = await TestStack.start({ workers: 0, env: { REPLY_BUDGET_MS: String(BUDGET) } });
    const webim = stack.webim(await stack.demoWebhookUrl());
    const exchange = await webim.newChat('no-worker');
    expect(exchange.status).toBe(200);
    expect(exchange.body).toEqual({ has_answer: false });
    expect(exchange.ms).toBeGreaterThanOrEqual(BUDGET - 5);
    expect(exchange.ms).toBeLessThan(BUDGET + 250);
    await stack.gateway.waitForLog(/"reason":"timeout"/);

    // A worker that starts later finds the job past its deadline and does not run it.
    const { queue, events } = await stack.bull(TURN_QUEUE);
    const [jobId] = (await queue.getJobs(['wait'])).map((j) => j.id!);
    await stack.startWorker();
    const result = await (await queue.getJob(jobId))!.waitUntilFinished(events, 10_000);
    expect(result).toEqual({ status: 'expired' });
    const { conversation, handoff } = await stack.conversations.read('demo', 'no-worker');
    expect(conversation).toBeNull();
    expect(handoff).toMatchObject({ reason: 'timeout' });
  });
});

describe('a scenario step that hangs', () => {
  let stack: TestStack;
  afterAll(() => stack.close());

  it('hands off within the budget, and the late result changes nothing', async () => {
    stack = await TestStack.start({ env: { REPLY_BUDGET_MS: String(BUDGET) } });
    const { queue, events } = await stack.bull(TURN_QUEUE);
    const webim = stack.webim(await stack.addChannel('hanging', HANGING_AGENT));

    expect(transcript((await webim.newChat('h1')).body)).toEqual(['ready']);
    expect(transcript((await webim.say('h1', 'one')).body)).toEqual([
      'echo one (previous hang marker: )',
    ]);
    const before = await stack.conversations.read('hanging', 'h1');

    const hung = await webim.say('h1', 'hang');
    expect(hung.body).toEqual({ has_answer: false });
    expect(hung.ms).toBeLessThan(BUDGET + 250);

    // The worker finishes the pause after the gateway answered: its commit must be refused.
    // The chat's latest admission (`hash|turn|at`) is the turn of "hang".
    const last = await stack.client.hget('wg:chat:{hanging:h1}', 'last');
    const jobId = turnJobId('hanging', 'h1', last!.split('|')[1]);
    expect(before.conversation).not.toBeNull();
    const result = await (await queue.getJob(jobId))!.waitUntilFinished(events, 10_000);
    expect(result).toMatchObject({ status: 'late' });

    const after = await stack.conversations.read('hanging', 'h1');
    expect(after.conversation).toEqual(before.conversation);
    expect(after.handoff).toMatchObject({ reason: 'timeout' });

    // The conversation goes on from where it was: the hung branch left no trace.
    expect(transcript((await webim.say('h1', 'two')).body)).toEqual([
      'echo two (previous hang marker: )',
    ]);
    await stack.gateway.waitForLog(/"reason":"timeout"/);
  });
});

describe('the reply path', () => {
  // The default budget: what these tests tell apart is an answer at once, or only at the
  // budget, and a worker on a loaded machine has all of it to commit.
  const REPLY_BUDGET_MS = 4000;
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ env: { REPLY_BUDGET_MS: String(REPLY_BUDGET_MS) } });
  });
  afterAll(() => stack.close());

  it('sends the answer the worker committed when its reply never reached the gateway', async () => {
    const { queue, events } = await stack.bull(TURN_QUEUE);
    const webim = stack.webim(await stack.addChannel('lost', COUNTING_AGENT));
    await webim.newChat('l1');

    // The turn's job waits in the paused queue while its reply is sent where no gateway
    // listens, as when the gateway's subscriber connection drops: only settling the turn at
    // the budget can find the answer.
    await queue.pause();
    const pending = webim.say('l1', 'once');
    const job = await waitFor('the turn job', async () =>
      (await queue.getJobs(['wait'])).find((j) => j.data.chatId === 'l1'),
    );
    await job.updateData({ ...(job.data as TurnJobData), replyTo: 'wg:replies:nobody' });
    await queue.resume();
    expect(await job.waitUntilFinished(events, 10_000)).toMatchObject({ status: 'answered' });

    const exchange = await pending;
    expect(exchange.body).toEqual({
      has_answer: true,
      messages: [{ kind: 'operator', text: 'once;' }],
    });
    expect(exchange.ms).toBeGreaterThanOrEqual(REPLY_BUDGET_MS - 5); // found by the settle
    expect((await stack.conversations.read('lost', 'l1')).handoff).toBeNull();
    expect((await webim.say('l1', 'twice')).body).toEqual({
      has_answer: true,
      messages: [{ kind: 'operator', text: 'once;twice;' }],
    });
  });

  it('hands off at once, not at the budget, when the job cannot be added after the admission', async () => {
    const { queue } = await stack.bull(TURN_QUEUE);
    const webim = stack.webim(await stack.addChannel('unqueued', COUNTING_AGENT));
    // Every add increments the queue's job counter: a value INCR refuses fails the add, after
    // the admission that goes to Redis just before it.
    await stack.client.set(queue.keys.id, 'not a number');
    try {
      const exchange = await webim.newChat('u1');
      expect(exchange.body).toEqual({ has_answer: false });
      expect(exchange.ms).toBeLessThan(REPLY_BUDGET_MS / 2);
      expect(await stack.client.lrange('wg:chat:{unqueued:u1}:turns', 0, -1)).toHaveLength(1);
      const jobs = await queue.getJobs(['wait', 'active', 'completed', 'failed']);
      expect(jobs.filter((j) => j.data.channelId === 'unqueued')).toEqual([]);
    } finally {
      await stack.client.del(queue.keys.id);
    }
    expect((await webim.newChat('u2')).body).toMatchObject({ has_answer: true });
  });
});

describe('Redis stopped mid-run', () => {
  let stack: TestStack;
  afterAll(() => stack.close());

  it('hands off well under the budget, and recovers by itself when Redis returns', async () => {
    stack = await TestStack.start({
      persistentRedis: true,
      env: { BREAKER_RESET_MS: '300', BREAKER_VOLUME_THRESHOLD: '3' },
    });
    const webim = stack.webim(await stack.demoWebhookUrl());
    expect((await webim.newChat('r1')).body.has_answer).toBe(true);

    await stack.redis.stop();
    for (let i = 0; i < 6; i++) {
      const exchange = await webim.say('r1', `while down ${i}`);
      expect(exchange.status).toBe(200);
      expect(exchange.body).toEqual({ has_answer: false });
      expect(exchange.ms).toBeLessThan(500);
    }
    await stack.gateway.waitForLog(/"reason":"redis_unavailable"/);
    await stack.gateway.waitForLog(/"reason":"breaker_open"/);

    await stack.redis.restart();
    // No event tells us the gateway has reconnected and its breaker let a trial through: ask again.
    const answered = await waitFor(
      'a conversation to work again',
      async () => {
        const exchange = await webim.newChat('r2');
        return exchange.body.has_answer ? exchange : undefined;
      },
      { timeoutMs: 15_000, everyMs: 100 },
    );
    expect(answered.status).toBe(200);
    expect(stack.gateway.alive).toBe(true);
    expect(stack.workers[0].alive).toBe(true);
  });
});

describe('circuit breaker', () => {
  let stack: TestStack;
  let monitor: Redis;
  afterAll(async () => {
    monitor?.disconnect();
    await stack.close();
  });

  it('opens after repeated failures, fails fast without Redis, and closes after a good trial', async () => {
    const budget = 300;
    stack = await TestStack.start({
      workers: 0,
      env: {
        REPLY_BUDGET_MS: String(budget),
        BREAKER_VOLUME_THRESHOLD: '3',
        BREAKER_RESET_MS: '1500',
      },
    });
    const webim = stack.webim(await stack.demoWebhookUrl());
    for (let i = 0; i < 3; i++) {
      const exchange = await webim.newChat(`b${i}`);
      expect(exchange.body).toEqual({ has_answer: false });
      expect(exchange.ms).toBeGreaterThanOrEqual(budget - 5);
    }
    await stack.gateway.waitForLog(/"breaker":"open"/);

    // Record every command the gateway's connections send while the breaker is open.
    const clients = await stack.client.client('LIST');
    const gatewayAddrs = String(clients)
      .split('\n')
      .filter((line) => / name=gateway:(commands|queue) /.test(line))
      .map((line) => /addr=(\S+)/.exec(line)![1]);
    expect(gatewayAddrs.length).toBeGreaterThanOrEqual(2);
    monitor = await stack.client.monitor();
    const seen: string[] = [];
    let markerSeen = false;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (gatewayAddrs.includes(source)) seen.push(args[0]);
      if (args[0]?.toLowerCase() === 'ping' && args[1] === 'marker') markerSeen = true;
    });

    // Fails fast: the typical answer under 50 ms, none anywhere near the budget. (On two shared
    // cores a single request can meet a GC or scheduling pause, so the 50 ms bound is on the median.)
    const timings: number[] = [];
    for (let i = 0; i < 7; i++) {
      const exchange = await webim.newChat(`open${i}`);
      expect(exchange.body).toEqual({ has_answer: false });
      timings.push(exchange.ms);
    }
    timings.sort((a, b) => a - b);
    expect(timings[3]).toBeLessThan(50);
    expect(timings[6]).toBeLessThan(250);
    await stack.gateway.waitForLog(/"reason":"breaker_open"/);
    // A marker command through the monitor proves it has delivered everything before it.
    await stack.client.ping('marker');
    await waitFor('the monitor to see the marker', () => markerSeen);
    expect(seen).toEqual([]);

    // A worker comes back; after the reset time the breaker lets a trial through and closes.
    await stack.startWorker();
    await stack.gateway.waitForLog(/"breaker":"halfOpen"/, 5000);
    const trial = await webim.newChat('trial');
    expect(trial.body.has_answer).toBe(true);
    await stack.gateway.waitForLog(/"breaker":"close"/);
    const after = await webim.newChat('after');
    expect(after.body.has_answer).toBe(true);
  });
});
