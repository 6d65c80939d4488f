import { Gauge, Registry } from 'prom-client';
import { withTimeout } from '@app/redis';
import { withDeprecatedNames } from './deprecated-names';

/** A scrape must answer while Redis hangs: each reading gets this long. */
export const SCRAPE_TIMEOUT_MS = 1000;

/** The job states `webim_queue_jobs` reports. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/** What the gauge needs of a BullMQ queue. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...states: (typeof QUEUE_STATES)[number][]): Promise<Record<string, number>>;
}

type Sample<L extends string> = [labels: Record<L, string>, value: number];

/**
 * A gauge read from Redis on every scrape. When Redis fails or does not answer in time the
 * gauge has no samples in that scrape rather than stale ones, so the series go stale in
 * Prometheus instead of showing a frozen backlog. A gauge with a deprecated name is exported
 * under both from one reading: the collections of one scrape start together, and the second
 * joins the reading the first started.
 */
function scrapedGauge<L extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: L[] },
  read: () => Promise<Sample<L>[]>,
  onError: (metric: string, error: Error) => void,
  timeoutMs: number,
): Gauge<L> {
  let reading: Promise<Sample<L>[]> | undefined;
  const current = () => {
    if (reading) return reading;
    const started = withTimeout(read(), timeoutMs).finally(() => {
      if (reading === started) reading = undefined;
    });
    reading = started;
    // Reported once per reading, by whichever gauge started it.
    started.catch((error: Error) => onError(config.name, error));
    return started;
  };
  const [gauge] = withDeprecatedNames(
    config.name,
    config.help,
    (name, help) =>
      new Gauge<L>({
        name,
        help,
        labelNames: config.labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          try {
            for (const [labels, value] of await current()) this.set(labels, value);
          } catch {
            // No samples: see above.
          }
        },
      }),
  );
  return gauge;
}

export interface ScrapeOptions {
  onError?: (metric: string, error: Error) => void;
  timeoutMs?: number;
}

/** `webim_queue_jobs{queue,state}`: jobs per queue and state, counted in Redis at scrape time. */
export function queueJobsGauge(
  registry: Registry,
  queues: CountableQueue[],
  { onError = () => undefined, timeoutMs = SCRAPE_TIMEOUT_MS }: ScrapeOptions = {},
): Gauge<'queue' | 'state'> {
  return scrapedGauge(
    registry,
    {
      name: 'webim_queue_jobs',
      help: 'Jobs in a BullMQ queue by state, read from Redis when scraped (the same for every process that reports it).',
      labelNames: ['queue', 'state'],
    },
    async () => {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_STATES)));
      return queues.flatMap((queue, i) =>
        QUEUE_STATES.map((state): Sample<'queue' | 'state'> => [
          { queue: queue.name, state },
          counts[i][state] ?? 0,
        ]),
      );
    },
    onError,
    timeoutMs,
  );
}

/** What the paused gauge needs of a BullMQ queue. */
export interface PausableQueue {
  readonly name: string;
  isPaused(): Promise<boolean>;
}

/**
 * `webim_queue_paused{queue}`: 1 while a queue is paused (its jobs wait and no worker takes
 * them), 0 otherwise, read from Redis at scrape time.
 */
export function queuePausedGauge(
  registry: Registry,
  queues: PausableQueue[],
  { onError = () => undefined, timeoutMs = SCRAPE_TIMEOUT_MS }: ScrapeOptions = {},
): Gauge<'queue'> {
  return scrapedGauge(
    registry,
    {
      name: 'webim_queue_paused',
      help: 'Whether a BullMQ queue is paused (1) or not (0), read from Redis when scraped. A paused webim-turns queue hands every Webim request off after the reply budget.',
      labelNames: ['queue'],
    },
    async () => {
      const paused = await Promise.all(queues.map((q) => q.isPaused()));
      return queues.map((queue, i): Sample<'queue'> => [{ queue: queue.name }, paused[i] ? 1 : 0]);
    },
    onError,
    timeoutMs,
  );
}

/** `webim_workers_alive`: worker processes whose heartbeat is recent, as GET /health/ready sees them. */
export function workersAliveGauge(
  registry: Registry,
  alive: () => Promise<number>,
  { onError = () => undefined, timeoutMs = SCRAPE_TIMEOUT_MS }: ScrapeOptions = {},
): Gauge<never> {
  return scrapedGauge<never>(
    registry,
    {
      name: 'webim_workers_alive',
      help: 'Worker processes that sent a heartbeat within the last 15 s, read from Redis when scraped.',
      labelNames: [],
    },
    async () => [[{}, await alive()]],
    onError,
    timeoutMs,
  );
}

/**
 * `webim_redis_up`: 1 when this process's Redis connection answers PING within the scrape's
 * reading time, 0 otherwise; read on every scrape. Unlike the gauges above it has a value while
 * Redis is away: that is what it is for.
 */
export function redisUpGauge(
  registry: Registry,
  ping: () => Promise<unknown>,
  { timeoutMs = SCRAPE_TIMEOUT_MS }: Pick<ScrapeOptions, 'timeoutMs'> = {},
): Gauge<never> {
  return new Gauge<never>({
    name: 'webim_redis_up',
    help: "Whether this process's Redis connection answered PING within 1 s when scraped (1) or not (0).",
    registers: [registry],
    async collect() {
      try {
        await withTimeout(ping(), timeoutMs);
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
}
