import { DEPRECATED_METRIC_NAMES } from '@app/metrics';
import { version as VERSION } from '../package.json';
import { COUNTING_AGENT } from './support/agents';
import { metricNamesIn, shippedQueries } from './support/monitoring-files';
import { Scrape } from './support/prometheus';
import { StackProcess, TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';
import { transcript, WebimClient } from './support/webim-client';

// GET /metrics of the gateway and of each worker, and the worker's probes, against the real
// stack: what operators alert on must move when the product does.

const BUDGET = 800;

describe('metrics and worker probes', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let worker: StackProcess;

  beforeAll(async () => {
    stack = await TestStack.start({
      persistentRedis: true, // channels survive the Redis restart below
      env: { REPLY_BUDGET_MS: String(BUDGET), BREAKER_VOLUME_THRESHOLD: '3' },
    });
    webim = stack.webim(await stack.demoWebhookUrl());
    worker = stack.workers[0];
  });
  afterAll(() => stack.close());

  const gateway = () => Scrape.of(stack.baseUrl);
  /** Waits until the worker has recorded what the test did: it records after answering. */
  const workerOnce = (what: string, done: (scrape: Scrape) => boolean) =>
    waitFor(what, async () => {
      const scrape = await Scrape.of(worker.baseUrl);
      return done(scrape) ? scrape : undefined;
    });
  const probe = async (path: string) => {
    const response = await fetch(`${worker.baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('gateway: process, product and queue metrics in the Prometheus text format', async () => {
    const response = await fetch(`${stack.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const family of [
      'process_cpu_seconds_total counter',
      'nodejs_eventloop_lag_seconds gauge',
      'webim_answer_duration_seconds histogram',
      'webim_answers_total counter',
      'webim_breaker_state gauge',
      'webim_breaker_transitions_total counter',
      'webim_queue_jobs gauge',
      'webim_queue_paused gauge',
      'webim_workers_alive gauge',
    ]) {
      expect(text).toContain(`# TYPE ${family}\n`);
    }
    const scrape = new Scrape(text);
    expect(scrape.value('webim_workers_alive')).toBe(1);
    expect(scrape.has('webim_queue_jobs')).toBe(true);
    expect(scrape.value('webim_queue_paused', { queue: 'webim-turns' })).toBe(0);
    expect(scrape.value('webim_queue_jobs', { queue: 'webim-proactive', state: 'failed' })).toBe(0);
  });

  it('both: webim_build_info names the version and the Node.js version', async () => {
    for (const url of [stack.baseUrl, worker.baseUrl]) {
      const scrape = await Scrape.of(url);
      expect(scrape.value('webim_build_info', { version: VERSION, node: process.version })).toBe(1);
    }
  });

  it('both: export every metric the shipped dashboard and alert rules use', async () => {
    const exported = new Set<string>();
    for (const url of [stack.baseUrl, worker.baseUrl]) {
      const text = (await Scrape.of(url)).text;
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exported.add(name);
        const parts =
          type === 'histogram'
            ? ['bucket', 'sum', 'count']
            : type === 'summary'
              ? ['sum', 'count']
              : [];
        for (const part of parts) exported.add(`${name}_${part}`);
      }
    }
    const unknown = shippedQueries().flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('both: the deprecated bullmq_ names carry the same values as the webim_ ones', async () => {
    // A turn, so that the worker's job histograms have samples.
    expect((await webim.newChat('aliases')).body.has_answer).toBe(true);
    const workerScrape = await workerOnce('the turn timed', (s) =>
      s.has('webim_job_run_seconds_count'),
    );
    const samples = (scrape: Scrape, name: string) =>
      scrape.text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name}_`))
        .map((line) => line.slice(name.length));
    const gatewayScrape = await gateway();
    for (const [old, name] of Object.entries(DEPRECATED_METRIC_NAMES)) {
      const scrape = name.startsWith('webim_job_') ? workerScrape : gatewayScrape;
      expect(samples(scrape, name).length).toBeGreaterThan(0);
      expect([old, samples(scrape, old)]).toEqual([old, samples(scrape, name)]);
    }
  });

  it('gateway: counts and times an answer and a bot hand-off, by reason', async () => {
    const before = await gateway();
    expect((await webim.newChat('m1')).body.has_answer).toBe(true);
    expect((await webim.press('m1', 'human', 'Talk to a person')).body).toEqual({
      has_answer: false,
    });
    const after = await gateway();
    const added = (name: string, labels: Record<string, string>) =>
      after.since(before, name, labels);

    const answered = { outcome: 'answered', reason: 'none' };
    const botHandoff = { outcome: 'handed_off', reason: 'bot_handoff' };
    expect(added('webim_answers_total', { channel: 'demo', ...answered })).toBe(1);
    expect(added('webim_answers_total', { channel: 'demo', ...botHandoff })).toBe(1);
    expect(added('webim_answer_duration_seconds_count', answered)).toBe(1);
    expect(added('webim_answer_duration_seconds_count', botHandoff)).toBe(1);
    // Both answered well inside the window: in the 1 s bucket.
    expect(added('webim_answer_duration_seconds_bucket', { ...answered, le: '1' })).toBe(1);
    expect(after.value('webim_breaker_state', { channel: 'demo' })).toBe(0);
  });

  it('gateway: counts a request refused without a turn, and does not time it', async () => {
    const before = await gateway();
    const refused = await webim.post({ event: 'chat_closed', chat: { id: 'm1' } });
    expect(refused.body).toEqual({ has_answer: false });
    const after = await gateway();
    const unknown = { outcome: 'handed_off', reason: 'unknown_event' };
    expect(after.since(before, 'webim_answers_total', { channel: 'demo', ...unknown })).toBe(1);
    // Never timed: no duration series exists for the reason at all.
    expect(after.find('webim_answer_duration_seconds_count', unknown)).toBeUndefined();
    expect(after.has('webim_answer_duration_seconds_count')).toBe(true);
  });

  it('worker: times its jobs and counts their results', async () => {
    const before = await Scrape.of(worker.baseUrl);
    // Polled until it has grown: missing (no turn answered yet) counts as 0 here.
    const count = (s: Scrape) => s.find('webim_turns_total', { status: 'answered' }) ?? 0;
    expect((await webim.newChat('m2')).body.has_answer).toBe(true);
    const after = await workerOnce('the worker to count the turn', (s) => count(s) > count(before));

    const turns = { queue: 'webim-turns' };
    const ran = { ...turns, status: 'completed' };
    expect(after.since(before, 'webim_job_wait_seconds_count', turns)).toBeGreaterThan(0);
    expect(after.since(before, 'webim_job_run_seconds_count', ran)).toBeGreaterThan(0);
    expect(after.value('webim_job_run_seconds_bucket', { ...ran, le: '+Inf' })).toBe(
      after.value('webim_job_run_seconds_count', ran),
    );
    expect(after.has('process_resident_memory_bytes')).toBe(true);
  });

  it('worker: counts an incoming request, the message it buffered, and its delivery', async () => {
    await webim.newChat('m3');
    const before = await Scrape.of(worker.baseUrl);
    const response = await stack.api('/api/channels/demo/chats/m3/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'order_shipped', data: { order_id: 'A-7' } }),
    });
    expect(response.status).toBe(202);
    // Polled until they have grown: missing (nothing counted yet) counts as 0 here.
    const buffered = (s: Scrape) =>
      s.find('webim_incoming_events_total', { status: 'buffered' }) ?? 0;
    const appended = await workerOnce(
      'the event to be buffered',
      (s) => buffered(s) > buffered(before),
    );
    const messages = (s: Scrape, event: string) =>
      s.find('webim_buffered_messages_total', { event }) ?? 0;
    expect(appended.since(before, 'webim_buffered_messages_total', { event: 'appended' })).toBe(1);

    const answer = await webim.say('m3', 'When are you open?');
    expect(transcript(answer.body)[0]).toBe('Good news: your order A-7 has shipped.');
    const delivered = await workerOnce(
      'the delivery to be counted',
      (s) => messages(s, 'delivered') > messages(before, 'delivered'),
    );
    expect(delivered.since(before, 'webim_buffered_messages_total', { event: 'delivered' })).toBe(
      1,
    );
  });

  it('worker: live while the process runs; ready only while Redis answers', async () => {
    expect(await probe('/health/live')).toEqual({
      status: 200,
      body: { status: 'ok', info: {}, error: {}, details: {} },
    });
    expect(await probe('/health/ready')).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        info: {
          redis: { status: 'up' },
          queues: { status: 'up', 'webim-turns': 'running', 'webim-proactive': 'running' },
        },
      },
    });
    const readyIs = (status: number) =>
      waitFor(
        `the worker's /health/ready to answer ${status}`,
        async () => {
          const ready = await probe('/health/ready');
          return ready.status === status ? ready : undefined;
        },
        { timeoutMs: 20_000, everyMs: 100 },
      );

    await stack.redis.stop();
    const notReady = await readyIs(503);
    expect(notReady.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    expect((await probe('/health/live')).status).toBe(200);
    // A scrape does not wait for the Redis that is gone: the queue gauge is just left out.
    const started = Date.now();
    const scrape = await gateway();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(scrape.has('webim_queue_jobs')).toBe(false);
    // ...while the gauge made to say it reads 0, on both.
    expect(scrape.value('webim_redis_up')).toBe(0);
    expect((await Scrape.of(worker.baseUrl)).value('webim_redis_up')).toBe(0);

    await stack.redis.restart();
    await readyIs(200);
    // The next test needs the gateway's connections back too, not only the worker's.
    await stack.gatewayReady();
    expect((await gateway()).value('webim_redis_up')).toBe(1);
    expect((await Scrape.of(worker.baseUrl)).value('webim_redis_up')).toBe(1);
  });

  it('gateway: counts timeouts, the breaker opening and its fast hand-offs', async () => {
    // A channel of its own: a fresh breaker, not diluted by the successes above.
    const slow = stack.webim(await stack.addChannel('slow', COUNTING_AGENT));
    await stack.stopWorkers();
    const before = await gateway();
    for (let i = 0; i < 3; i++)
      expect((await slow.newChat(`t${i}`)).body).toEqual({ has_answer: false });
    await stack.gateway.waitForLog(/"breaker":"open"/);
    expect((await slow.newChat('t3')).body).toEqual({ has_answer: false });
    const after = await gateway();
    const added = (name: string, labels: Record<string, string>) =>
      after.since(before, name, labels);

    const timeout = { outcome: 'handed_off', reason: 'timeout' };
    expect(added('webim_answers_total', { channel: 'slow', ...timeout })).toBe(3);
    expect(added('webim_answer_duration_seconds_count', timeout)).toBe(3);
    // Handed off at the budget, not before it and not near Webim's 5 s.
    expect(added('webim_answer_duration_seconds_bucket', { ...timeout, le: '0.5' })).toBe(0);
    expect(added('webim_answer_duration_seconds_bucket', { ...timeout, le: '2' })).toBe(3);
    expect(
      added('webim_answers_total', {
        channel: 'slow',
        outcome: 'handed_off',
        reason: 'breaker_open',
      }),
    ).toBe(1);
    expect(after.value('webim_breaker_state', { channel: 'slow' })).toBe(2);
    expect(after.value('webim_breaker_transitions_total', { channel: 'slow', to: 'open' })).toBe(1);
    expect(after.value('webim_breaker_state', { channel: 'demo' })).toBe(0);
    // The turns nobody took wait in the queue.
    expect(after.value('webim_queue_jobs', { queue: 'webim-turns', state: 'waiting' })).toBe(3);
  });
});
