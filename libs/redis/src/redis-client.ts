import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisConnectionSettings, redisOptions, RedisRole } from './redis-options';

/**
 * An ioredis client whose errors are logged (an unhandled 'error' event would be printed to
 * stderr on every reconnect attempt) at most once per outage, not once per retry.
 */
export function createRedisClient(
  settings: RedisConnectionSettings,
  role: RedisRole,
  name: string,
): Redis {
  const logger = new Logger(`redis:${name}`);
  const client = new Redis(redisOptions(settings, role, name));
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error.message }, 'Redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('Redis connection restored');
  });
  return client;
}

/** Resolves when the client is ready; rejects after `timeoutMs` so a boot without Redis fails clearly. */
export async function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
