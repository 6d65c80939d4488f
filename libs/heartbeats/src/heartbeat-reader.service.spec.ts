import type { Redis } from 'ioredis';
import type { SharedEnv } from '@app/config';
import { HeartbeatReader } from './heartbeat-reader.service';
import { HEARTBEAT_TTL_MS } from './heartbeats';

/** A sorted set per key, with the three commands the reader uses. */
function fakeRedis(sets: Record<string, Record<string, number>>) {
  const inRange = (key: string, min: number, max: number) =>
    Object.entries(sets[key] ?? {}).filter(([, score]) => score >= min && score <= max);
  return {
    zremrangebyscore: (key: string, _min: string, max: string) => {
      const below = Number(max.slice(1));
      for (const [member, score] of Object.entries(sets[key] ?? {}))
        if (score < below) delete sets[key][member];
      return Promise.resolve(0);
    },
    zcount: (key: string, min: number) => Promise.resolve(inRange(key, min, Infinity).length),
    zrangebyscore: (key: string, min: number) =>
      Promise.resolve(inRange(key, min, Infinity).map(([member]) => member)),
  } as unknown as Redis;
}

describe('HeartbeatReader', () => {
  const now = Date.now();
  const sets = () => ({
    'wg:workers': { fresh: now - 1000, stale: now - HEARTBEAT_TTL_MS - 1000 },
    'wg:gateways': { g1: now, g2: now - HEARTBEAT_TTL_MS - 1 },
  });
  const env = { KEY_PREFIX: 'wg' } as SharedEnv;

  it('counts the instances of a kind that beat within the TTL, and forgets the others', async () => {
    const stored = sets();
    const reader = new HeartbeatReader(fakeRedis(stored), env);
    expect(await reader.alive('workers')).toBe(1);
    expect(Object.keys(stored['wg:workers'])).toEqual(['fresh']);
  });

  it('names the live instances of a kind', async () => {
    const reader = new HeartbeatReader(fakeRedis(sets()), env);
    expect(await reader.members('gateways')).toEqual(['g1']);
  });
});
