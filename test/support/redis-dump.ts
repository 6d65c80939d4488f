import type { Redis } from 'ioredis';

/** Every key of the product and its value as text, for asserting what is (not) stored. */
export async function dumpRedis(redis: Redis): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, 0, '-1');
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    dump.set(key, JSON.stringify(value));
  }
  return dump;
}
