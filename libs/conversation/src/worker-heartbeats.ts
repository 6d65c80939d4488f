import type { Redis } from 'ioredis';

/** How often a process says it is alive, and how long a silent one still counts as alive. */
export const HEARTBEAT_EVERY_MS = 5000;
export const HEARTBEAT_TTL_MS = 15_000;

/**
 * Liveness of one kind of process, in one sorted set (instance name → last beat, epoch ms), so
 * that one command tells whether any worker is alive, or which gateway instances are.
 */
export class Heartbeats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly kind: 'workers' | 'gateways',
  ) {}

  private get key(): string {
    return `${this.prefix}:${this.kind}`;
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

  /** The names of the instances that beat within the TTL. */
  async members(): Promise<string[]> {
    return this.redis.zrangebyscore(this.key, Date.now() - HEARTBEAT_TTL_MS, '+inf');
  }
}

export class WorkerHeartbeats extends Heartbeats {
  constructor(redis: Redis, prefix: string) {
    super(redis, prefix, 'workers');
  }
}
