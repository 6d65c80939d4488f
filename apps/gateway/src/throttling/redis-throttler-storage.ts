import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@app/config';
import { COMMAND_REDIS } from '@app/redis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The hits counted in a key's current window, and the milliseconds left in it. */
export interface WindowCount {
  hits: number;
  msLeft: number;
}

/**
 * Rate-limit counts in Redis, so that every gateway replica counts a client together: a fixed
 * window per key, `<KEY_PREFIX>:throttle:<key>`, opened by its first hit (INCR, and PEXPIRE NX
 * in the same MULTI, so a window always ends). The throttler's storage interface, for the API's
 * rate limit, plus a read of a count, for the failed sign-ins.
 *
 * Without Redis every call fails, and so does the request that made it (503): the management
 * API cannot serve without Redis anyway, and a limiter that let requests through uncounted
 * would, during an outage, let a client guess the admin token as fast as it likes.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly prefix: string;

  constructor(
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    env: GatewayEnv,
  ) {
    this.prefix = `${env.KEY_PREFIX}:throttle:`;
  }

  /**
   * One more hit of `key` in a window of `ttl` ms. Past `limit` the key is blocked until its
   * window ends, and at least `blockDuration` ms after the hit that crossed the limit.
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    const redisKey = this.prefix + key;
    const replies = await this.redis
      .multi()
      .incr(redisKey)
      .pexpire(redisKey, ttl, 'NX')
      .pttl(redisKey)
      .exec();
    const hits = Number(replyOf(replies, 0));
    let msLeft = Number(replyOf(replies, 2));
    if (hits === limit + 1 && blockDuration > msLeft) {
      await this.redis.pexpire(redisKey, blockDuration);
      msLeft = blockDuration;
    }
    const isBlocked = hits > limit;
    const seconds = Math.max(1, Math.ceil(msLeft / 1000));
    return {
      totalHits: hits,
      timeToExpire: seconds,
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds : 0,
    };
  }

  /** The count of `key`'s current window, without a hit; 0 hits when no window is open. */
  async count(key: string): Promise<WindowCount> {
    const redisKey = this.prefix + key;
    const replies = await this.redis.multi().get(redisKey).pttl(redisKey).exec();
    const hits = Number(replyOf(replies, 0) ?? 0);
    const msLeft = Number(replyOf(replies, 1));
    return msLeft > 0 ? { hits, msLeft } : { hits: 0, msLeft: 0 };
  }
}

type ExecReplies = [error: Error | null, result: unknown][] | null;

/** The reply of a MULTI's `index`th command, or its error thrown. */
function replyOf(replies: ExecReplies, index: number): unknown {
  // Only a WATCH makes Redis discard a transaction, and none is used here.
  if (!replies) throw new Error('Redis discarded a rate-limit transaction');
  const [error, result] = replies[index];
  if (error) throw error;
  return result;
}
