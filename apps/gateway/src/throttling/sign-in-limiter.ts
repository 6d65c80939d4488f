import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { GatewayEnv } from '@app/config';
import type { SecretMatcher } from '../auth/secret-matcher';
import { RedisThrottlerStorage } from './redis-throttler-storage';

/** Failed sign-ins are counted per client and minute. */
export const SIGN_IN_WINDOW_MS = 60_000;

export type SignIn =
  | { outcome: 'accepted' }
  | { outcome: 'refused' }
  | { outcome: 'locked-out'; retryAfterSec: number };

const REFUSED: SignIn = { outcome: 'refused' };

/**
 * Admin sign-ins (the API's token, Bull Board's password) under a limit of failures per client
 * IP and minute, counted in Redis across every route and every gateway. A client past the limit
 * is refused until its minute ends, before what it presents is even compared, so the right
 * token does not get it in either: guessing gains nothing from going faster. A request that
 * presents no credentials guesses nothing and is not counted (a browser's first visit to the
 * docs or the board is one).
 */
@Injectable()
export class SignInLimiter {
  private readonly limit: number;

  constructor(
    private readonly counts: RedisThrottlerStorage,
    env: GatewayEnv,
  ) {
    this.limit = env.API_AUTH_FAILURES_PER_MINUTE;
  }

  /** `clientIp`: the socket's address, as Fastify's `request.ip` gives it. */
  async attempt(
    clientIp: string | undefined,
    presented: string | null,
    secret: SecretMatcher,
  ): Promise<SignIn> {
    if (presented === null) return REFUSED;
    const key = `sign-in:${normalizeIp(clientIp ?? 'unknown')}`;
    const failures = await this.counts.count(key);
    if (failures.hits >= this.limit) {
      return {
        outcome: 'locked-out',
        retryAfterSec: Math.max(1, Math.ceil(failures.msLeft / 1000)),
      };
    }
    if (secret.matches(presented)) return { outcome: 'accepted' };
    await this.counts.increment(key, SIGN_IN_WINDOW_MS, this.limit, 0);
    return REFUSED;
  }
}
