import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { GatewayEnv } from '@app/config';
import type { RedisThrottlerStorage } from './redis-throttler-storage';

/**
 * API_RATE_LIMIT_PER_MINUTE as documented: per client IP and minute, whatever the route (the
 * throttler's own key is per route) and whichever gateway answers (counted in Redis). Every
 * controller but the webhook's and the probes' (@SkipThrottle) is limited.
 */
export function apiRateLimit(
  env: GatewayEnv,
  storage: RedisThrottlerStorage,
): ThrottlerModuleOptions {
  return {
    throttlers: [{ ttl: 60_000, limit: env.API_RATE_LIMIT_PER_MINUTE }],
    storage,
    generateKey: (_context, clientIp) => `api:${clientIp}`,
    errorMessage: 'Too many requests from this client; retry after the time Retry-After says',
  };
}
