import type { RedisOptions } from 'ioredis';

/**
 * How a connection behaves while Redis is away:
 * - `fail-fast`: commands reject at once instead of queueing, so a Webim request waiting on the
 *   gateway is handed off well inside its budget rather than hanging until Redis returns.
 * - `blocking`: what BullMQ workers need (retry forever, queue while reconnecting).
 * Both reconnect by themselves; nothing needs a restart when Redis comes back.
 */
export type RedisRole = 'fail-fast' | 'blocking';

/** ioredis options, typed so that BullMQ accepts them too (its retryStrategy may not be null). */
export type ConnectionOptions = RedisOptions & { retryStrategy: (attempt: number) => number };

export function redisOptions(
  url: string,
  role: RedisRole,
  connectionName: string,
): ConnectionOptions {
  const parsed = new URL(url);
  const base: ConnectionOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    connectionName,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  };
  if (role === 'blocking') {
    return { ...base, maxRetriesPerRequest: null, enableOfflineQueue: true };
  }
  return { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000 };
}

/** Errors that mean "Redis cannot be reached right now", as opposed to a bug or a bad script. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) {
    return true;
  }
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|Command timed out|enableOfflineQueue|LOADING/.test(
      error.message,
    )
  );
}
