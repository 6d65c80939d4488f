import { hostname } from 'node:os';
import { Scrape } from './support/prometheus';
import { SlowHandshakeProxy } from './support/slow-handshake-proxy';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// Probes: live while the process answers; ready only while Redis answers, a worker lives and
// no queue is paused.

describe('health', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ persistentRedis: true });
  });
  afterAll(() => stack.close());

  const probe = async (path: string) => {
    const response = await fetch(`${stack.baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const readyIs = (status: number) =>
    waitFor(
      `/health/ready to answer ${status}`,
      async () => (await probe('/health/ready')).status === status,
      {
        timeoutMs: 20_000,
        everyMs: 100,
      },
    );

  it('is live and ready with Redis and a worker', async () => {
    expect((await probe('/health/live')).status).toBe(200);
    const ready = await probe('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { redis: { status: 'up' }, workers: { status: 'up', alive: 1 } },
    });
  });

  it('is not ready while a queue is paused, naming it, and the gauge shows it', async () => {
    const paused = async () =>
      (await Scrape.of(stack.baseUrl)).value('webim_queue_paused', { queue: 'webim-turns' });
    const { queue } = await stack.bull('webim-turns');
    expect(await paused()).toBe(0);
    // As anything that can reach Redis could: Bull Board no longer offers it.
    await queue.pause();
    try {
      const notReady = await probe('/health/ready');
      expect(notReady).toMatchObject({
        status: 503,
        body: {
          status: 'error',
          error: {
            queues: { status: 'down', 'webim-turns': 'paused', 'webim-proactive': 'running' },
          },
        },
      });
      expect(JSON.stringify(notReady.body)).toMatch(/"message":"[^"]*webim-turns/);
      expect(await paused()).toBe(1);
      expect(
        (await Scrape.of(stack.baseUrl)).value('webim_queue_paused', { queue: 'webim-proactive' }),
      ).toBe(0);
    } finally {
      await queue.resume();
    }
    expect(await probe('/health/ready')).toMatchObject({
      status: 200,
      body: { info: { queues: { status: 'up', 'webim-turns': 'running' } } },
    });
    expect(await paused()).toBe(0);
  });

  it('is not ready while no worker is alive, and ready again when one starts', async () => {
    await stack.workers[0].kill('SIGTERM'); // a stopping worker leaves the heartbeat set at once
    const notReady = await probe('/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      status: 'error',
      error: { workers: { status: 'down' } },
    });
    expect((await probe('/health/live')).status).toBe(200);
    await stack.startWorker();
    await readyIs(200);
  });

  it('is not ready while Redis is stopped, and ready again after it returns', async () => {
    await stack.redis.stop();
    const notReady = await probe('/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ error: { redis: { status: 'down' } } });
    expect((await probe('/health/live')).status).toBe(200);
    await stack.redis.restart();
    await readyIs(200);
  });

  it('counts a worker alive as soon as it reports ready, however late its Redis connection opens', async () => {
    // The connection the heartbeat uses gets through a second after the worker's others.
    const proxy = await SlowHandshakeProxy.start(
      { host: '127.0.0.1', port: stack.redis.port },
      /worker:commands/,
      1000,
    );
    try {
      await stack.stopWorkers('SIGTERM');
      expect((await probe('/health/ready')).status).toBe(503);
      const worker = await stack.startWorker({ REDIS_URL: proxy.url });

      // Right at "ready", with no waiting: the gateways and their alive gauge count it.
      const name = `${hostname()}:${worker.child.pid}`;
      expect(await stack.client.zscore('wg:workers', name)).not.toBeNull();
      expect(await probe('/health/ready')).toMatchObject({
        status: 200,
        body: { info: { workers: { status: 'up', alive: 1 } } },
      });
    } finally {
      await stack.stopWorkers();
      await proxy.close();
    }
  });
});
