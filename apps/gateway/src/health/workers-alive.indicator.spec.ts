import { HealthIndicatorService } from '@nestjs/terminus';
import type { HeartbeatReader } from '@app/heartbeats';
import { HEALTH_CHECK_TIMEOUT_MS } from '@app/redis';
import { WorkersAliveIndicator } from './workers-alive.indicator';

describe('WorkersAliveIndicator', () => {
  const indicator = (workers: () => Promise<number>) =>
    new WorkersAliveIndicator(new HealthIndicatorService(), {
      alive: (kind: string) => (kind === 'workers' ? workers() : Promise.reject(new Error(kind))),
    } as unknown as HeartbeatReader);

  afterEach(() => jest.useRealTimers());

  it('is up with the number of live workers', async () => {
    expect(await indicator(() => Promise.resolve(2)).check()).toEqual({
      workers: { status: 'up', alive: 2 },
    });
  });

  it('is down when no worker is alive', async () => {
    expect(await indicator(() => Promise.resolve(0)).check()).toEqual({
      workers: { status: 'down', alive: 0, message: 'no worker is alive' },
    });
  });

  it('is down, saying why, when the heartbeats cannot be read', async () => {
    const failing = indicator(() => Promise.reject(new Error('Connection is closed.')));
    expect(await failing.check()).toEqual({
      workers: { status: 'down', message: 'Connection is closed.' },
    });
  });

  it('is down when the heartbeats do not answer in time', async () => {
    jest.useFakeTimers();
    const check = indicator(() => new Promise<number>(() => undefined)).check();
    await jest.advanceTimersByTimeAsync(HEALTH_CHECK_TIMEOUT_MS);
    expect(await check).toEqual({
      workers: { status: 'down', message: `no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms` },
    });
  });
});
