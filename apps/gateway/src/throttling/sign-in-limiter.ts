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

const ACCEPTED: SignIn = { outcome: 'accepted' };
const REFUSED: SignIn = { outcome: 'refused' };

/**
 * Admin sign-ins (the API's token, Bull Board's password) under a limit of failures per client
 * IP and minute, counted in Redis across every route and every gateway. Past the limit a client
 * is refused until its minute ends whatever it presents, so the right token does not get in
 * either: guessing gains nothing from going faster. A request that presents no credentials
 * guesses nothing and is not counted (a browser's first visit to the docs or the board is one).
 *
 * The bound holds however many guesses are in flight at once. What is presented is compared
 * first, and the answer then takes exactly one Redis command, sent at once: a failure's count
 * or a success's check of the count. Redis runs them in the order the requests arrived, so a
 * right token that comes after N wrong ones is refused even if all were sent together; had the
 * count been read before comparing, all of them would have read it before any failure was
 * counted. A success counts nothing, so an admin's parallel requests are never held back.
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
    if (secret.matches(presented)) {
      const failures = await this.counts.count(key);
      if (failures.hits < this.limit) return ACCEPTED;
      return {
        outcome: 'locked-out',
        retryAfterSec: Math.max(1, Math.ceil(failures.msLeft / 1000)),
      };
    }
    const failure = await this.counts.increment(key, SIGN_IN_WINDOW_MS, this.limit, 0);
    if (!failure.isBlocked) return REFUSED;
    return { outcome: 'locked-out', retryAfterSec: failure.timeToExpire };
  }
}
