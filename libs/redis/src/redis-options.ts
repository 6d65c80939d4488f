import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { parseSentinels, RedisSettings } from '@app/config';

/**
 * How a connection behaves while Redis is away:
 * - `fail-fast`: commands reject at once instead of queueing, so a Webim request waiting on the
 *   gateway is handed off well inside its budget rather than hanging until Redis returns.
 * - `blocking`: what BullMQ workers need (retry forever, queue while reconnecting).
 * Both reconnect by themselves; nothing needs a restart when Redis comes back, or when the
 * Sentinels name another master.
 */
export type RedisRole = 'fail-fast' | 'blocking';

/** ioredis options, typed so that BullMQ accepts them too (its retryStrategy may not be null). */
export type ConnectionOptions = RedisOptions & { retryStrategy: (attempt: number) => number };

/** The settings a connection is made from (see libs/config redis-settings.ts). */
export type RedisConnectionSettings = Pick<RedisSettings, 'REDIS_URL'> &
  Partial<
    Pick<
      RedisSettings,
      | 'REDIS_TLS_CA_FILE'
      | 'REDIS_SENTINELS'
      | 'REDIS_SENTINEL_MASTER'
      | 'REDIS_SENTINEL_PASSWORD'
      | 'REDIS_SENTINEL_TLS'
    >
  >;

const retryStrategy = (attempt: number): number => Math.min(50 * 2 ** attempt, 2000);

/**
 * The options of every Redis connection a process makes, its own and BullMQ's: the one place
 * that turns the settings into a server, or Sentinels and a master name, with TLS and
 * credentials.
 */
export function redisOptions(
  settings: RedisConnectionSettings,
  role: RedisRole,
  connectionName: string,
): ConnectionOptions {
  const parsed = new URL(settings.REDIS_URL);
  const tls = parsed.protocol === 'rediss:' ? tlsOptions(settings) : undefined;
  const base: ConnectionOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls,
    connectionName,
    connectTimeout: 2000,
    // RESP2, as before ioredis 6: its RESP3 handshake (HELLO) falls under commandTimeout and is
    // fatal when late, so a connection whose handshake takes a second would reconnect forever.
    protocol: 2,
    retryStrategy,
    // A master demoted by a failover refuses writes: reconnect, which asks the Sentinels again
    // (or finds the same server promoted), and send the command again there.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    ...(settings.REDIS_SENTINELS && sentinelOptions(settings, tls)),
  };
  if (role === 'blocking') {
    return { ...base, maxRetriesPerRequest: null, enableOfflineQueue: true };
  }
  return { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000 };
}

function tlsOptions(settings: RedisConnectionSettings): TlsOptions {
  // Read per connection, a few per process at start: a CA renewed on disk applies on restart.
  return settings.REDIS_TLS_CA_FILE ? { ca: readFileSync(settings.REDIS_TLS_CA_FILE) } : {};
}

function sentinelOptions(
  settings: RedisConnectionSettings,
  tls: TlsOptions | undefined,
): Omit<RedisOptions, 'retryStrategy'> {
  return {
    sentinels: parseSentinels(settings.REDIS_SENTINELS!),
    name: settings.REDIS_SENTINEL_MASTER,
    role: 'master',
    sentinelPassword: settings.REDIS_SENTINEL_PASSWORD,
    sentinelTLS: settings.REDIS_SENTINEL_TLS === 'true' ? tlsOptions(settings) : undefined,
    // ioredis takes `tls` for the master only with this set.
    enableTLSForSentinelMode: tls !== undefined,
    // Asked for the master at every reconnect; none answering is retried like a lost server.
    sentinelRetryStrategy: retryStrategy,
    sentinelCommandTimeout: 1000,
    // Not ioredis's failoverDetector: its +switch-master arriving while a connection is being
    // made ends that connection for good ("Connection is closed", never retried), which the
    // failover test met. A dead master closes its connections anyway, and a hung one fails
    // the commands' timeout, so the reconnect asks the Sentinels again.
    failoverDetector: false,
  };
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
    /Stream isn't writeable|Connection is closed|Command timed out|enableOfflineQueue|LOADING|READONLY/.test(
      error.message,
    )
  );
}
