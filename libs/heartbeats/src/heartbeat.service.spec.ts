import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { SharedEnv } from '@app/config';
import { Heartbeat } from './heartbeat.service';
import { HEARTBEAT_EVERY_MS } from './heartbeats';

/** A command connection whose ZADD fails `failures` times before it works. */
function fakeRedis(failures = 0) {
  const beats: string[] = [];
  const left: string[] = [];
  const redis = {
    zadd: jest.fn((key: string, _score: number, member: string) => {
      if (failures-- > 0) return Promise.reject(new Error('Connection is closed.'));
      beats.push(`${key} ${member}`);
      return Promise.resolve(1);
    }),
    zrem: jest.fn((key: string, member: string) => {
      left.push(`${key} ${member}`);
      return Promise.resolve(1);
    }),
  };
  return { redis: redis as unknown as Redis, beats, left };
}

const env = { KEY_PREFIX: 'wg' } as SharedEnv;

describe('Heartbeat', () => {
  // A failed beat is logged at debug level: not worth a line in the test output.
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => jest.useRealTimers());

  it('returns from start once its first beat is stored, trying again until it is', async () => {
    const { redis, beats } = fakeRedis(2);
    const heartbeat = new Heartbeat(redis, env);
    await heartbeat.start('workers', 'host:1');
    expect(beats).toEqual(['wg:workers host:1']);
    expect(redis.zadd).toHaveBeenCalledTimes(3);
    await heartbeat.leave();
  });

  it(`beats every ${HEARTBEAT_EVERY_MS} ms, and leaves its set when it stops`, async () => {
    jest.useFakeTimers();
    const { redis, beats, left } = fakeRedis();
    const heartbeat = new Heartbeat(redis, env);
    await heartbeat.start('gateways', 'g-1');
    await jest.advanceTimersByTimeAsync(2 * HEARTBEAT_EVERY_MS);
    expect(beats).toHaveLength(3);
    await heartbeat.beforeApplicationShutdown();
    expect(left).toEqual(['wg:gateways g-1']);
    await jest.advanceTimersByTimeAsync(2 * HEARTBEAT_EVERY_MS);
    expect(beats).toHaveLength(3);
  });

  it('beats as one instance only', async () => {
    const { redis } = fakeRedis();
    const heartbeat = new Heartbeat(redis, env);
    await heartbeat.start('workers', 'host:1');
    await expect(heartbeat.start('workers', 'host:2')).rejects.toThrow(/already beats as host:1/);
    await heartbeat.leave();
  });
});
