import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SharedEnv } from '@app/config';
import { COMMAND_REDIS } from '@app/redis';
import { HEARTBEAT_TTL_MS, heartbeatKey, ProcessKind } from './heartbeats';

/** Which gateways and workers are alive, by their heartbeats. */
@Injectable()
export class HeartbeatReader {
  constructor(
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    private readonly env: SharedEnv,
  ) {}

  /** How many instances of `kind` beat within the TTL; forgets the others. */
  async alive(kind: ProcessKind): Promise<number> {
    const key = heartbeatKey(this.env.KEY_PREFIX, kind);
    const since = Date.now() - HEARTBEAT_TTL_MS;
    const [, count] = await Promise.all([
      this.redis.zremrangebyscore(key, '-inf', `(${since}`),
      this.redis.zcount(key, since, '+inf'),
    ]);
    return count;
  }

  /** The names of the instances of `kind` that beat within the TTL. */
  members(kind: ProcessKind): Promise<string[]> {
    const key = heartbeatKey(this.env.KEY_PREFIX, kind);
    return this.redis.zrangebyscore(key, Date.now() - HEARTBEAT_TTL_MS, '+inf');
  }
}
