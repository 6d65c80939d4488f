import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { withTimeout } from './with-timeout';

/** Checks must answer well inside a probe's timeout, even while Redis hangs. */
export const HEALTH_CHECK_TIMEOUT_MS = 1000;

/** The `redis` readiness indicator of every app: up when Redis answers PING in time. */
export async function redisPingCheck(
  indicators: HealthIndicatorService,
  redis: Redis,
): Promise<HealthIndicatorResult<'redis'>> {
  const check = indicators.check('redis');
  try {
    await withTimeout(redis.ping(), HEALTH_CHECK_TIMEOUT_MS);
    return check.up();
  } catch (error) {
    return check.down({ message: (error as Error).message });
  }
}
