import { Registry } from 'prom-client';
import {
  CountableQueue,
  queueJobsGauge,
  queuePausedGauge,
  redisUpGauge,
  workersAliveGauge,
} from './scraped-gauges';
import { sample } from './spec-helpers';

const queue = (name: string, counts: Record<string, number>): CountableQueue => ({
  name,
  getJobCounts: async (...states) =>
    Object.fromEntries(states.filter((s) => s in counts).map((s) => [s, counts[s]])),
});

describe('gauges read from Redis on scrape', () => {
  let registry: Registry;
  beforeEach(() => {
    registry = new Registry();
  });

  it('reports every state of every queue, zero when a state has no jobs', async () => {
    queueJobsGauge(registry, [
      queue('turns', { waiting: 3, active: 1 }),
      queue('timers', { delayed: 7 }),
    ]);
    await registry.metrics();
    expect(await sample(registry, 'webim_queue_jobs', { queue: 'turns', state: 'waiting' })).toBe(
      3,
    );
    expect(await sample(registry, 'webim_queue_jobs', { queue: 'turns', state: 'failed' })).toBe(0);
    expect(await sample(registry, 'webim_queue_jobs', { queue: 'timers', state: 'delayed' })).toBe(
      7,
    );
  });

  it('reports nothing rather than stale counts when Redis fails, and says so', async () => {
    let fail = false;
    const flaky: CountableQueue = {
      name: 'turns',
      getJobCounts: async () => {
        if (fail) throw new Error('Connection is closed.');
        return { waiting: 2 };
      },
    };
    const errors: string[] = [];
    queueJobsGauge(registry, [flaky], {
      onError: (metric, e) => errors.push(`${metric}: ${e.message}`),
    });
    expect(await registry.metrics()).toContain('webim_queue_jobs{queue="turns",state="waiting"} 2');
    fail = true;
    expect(await registry.metrics()).not.toContain('webim_queue_jobs{');
    expect(errors).toEqual(['webim_queue_jobs: Connection is closed.']);
  });

  it('does not hang a scrape while Redis hangs', async () => {
    const hanging: CountableQueue = {
      name: 'turns',
      getJobCounts: () => new Promise(() => undefined),
    };
    queueJobsGauge(registry, [hanging], { timeoutMs: 20 });
    const started = Date.now();
    expect(await registry.metrics()).toContain('# TYPE webim_queue_jobs gauge');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports the live workers', async () => {
    workersAliveGauge(registry, async () => 3);
    expect(await registry.metrics()).toContain('webim_workers_alive 3');
  });

  it('reports each queue as paused (1) or not (0), and nothing when Redis fails', async () => {
    let paused = true;
    let fail = false;
    const pausable = (name: string, isPaused: () => boolean) => ({
      name,
      isPaused: async () => {
        if (fail) throw new Error('Connection is closed.');
        return isPaused();
      },
    });
    queuePausedGauge(registry, [pausable('turns', () => paused), pausable('timers', () => false)]);
    expect(await sample(registry, 'webim_queue_paused', { queue: 'turns' })).toBe(1);
    expect(await sample(registry, 'webim_queue_paused', { queue: 'timers' })).toBe(0);
    paused = false;
    expect(await sample(registry, 'webim_queue_paused', { queue: 'turns' })).toBe(0);
    fail = true;
    expect(await registry.metrics()).not.toContain('webim_queue_paused{');
  });
});

describe('deprecated names of the gauges read from Redis', () => {
  it('exports bullmq_queue_jobs and bullmq_queue_paused with the same values, from one reading', async () => {
    const registry = new Registry();
    let reads = 0;
    const counted: CountableQueue = {
      name: 'turns',
      getJobCounts: async () => {
        reads++;
        return { waiting: 4 };
      },
    };
    queueJobsGauge(registry, [counted]);
    queuePausedGauge(registry, [{ name: 'turns', isPaused: async () => true }]);
    const text = await registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('webim_queue_jobs{queue="turns",state="waiting"} 4');
    expect(text).toContain('bullmq_queue_jobs{queue="turns",state="waiting"} 4');
    expect(text).toContain('webim_queue_paused{queue="turns"} 1');
    expect(text).toContain('bullmq_queue_paused{queue="turns"} 1');
    expect(text).toMatch(/# HELP bullmq_queue_jobs Deprecated: the same as webim_queue_jobs/);
  });
});

describe('webim_redis_up', () => {
  it('is 1 while Redis answers PING in time, 0 when it fails or hangs', async () => {
    const registry = new Registry();
    let ping: () => Promise<unknown> = async () => 'PONG';
    redisUpGauge(registry, () => ping(), { timeoutMs: 20 });
    expect(await sample(registry, 'webim_redis_up')).toBe(1);
    ping = () => Promise.reject(new Error('Connection is closed.'));
    expect(await sample(registry, 'webim_redis_up')).toBe(0);
    ping = () => new Promise(() => undefined);
    expect(await sample(registry, 'webim_redis_up')).toBe(0);
    ping = async () => 'PONG';
    expect(await sample(registry, 'webim_redis_up')).toBe(1);
  });
});
