import type { Redis } from 'ioredis';

/** How often a worker says it is alive, and how long a silent one still counts as alive. */
export const HEARTBEAT_EVERY_MS = 5000;
export const HEARTBEAT_TTL_MS = 15_000;

/**
 * Workers' liveness, in one sorted set (worker name → last beat, epoch ms), so that the gateway
 * can tell with one command whether any worker is alive.
 */
export class WorkerHeartbeats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:workers`;
  }

  async beat(worker: string): Promise<void> {
    await this.redis.zadd(this.key, Date.now(), worker);
  }

  async leave(worker: string): Promise<void> {
    await this.redis.zrem(this.key, worker);
  }

  /** Workers that beat within the TTL; forgets the others. */
  async alive(): Promise<number> {
    const since = Date.now() - HEARTBEAT_TTL_MS;
    const [, count] = await Promise.all([
      this.redis.zremrangebyscore(this.key, '-inf', `(${since}`),
      this.redis.zcount(this.key, since, '+inf'),
    ]);
    return count;
  }
}
