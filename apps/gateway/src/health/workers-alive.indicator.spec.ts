import { HealthIndicatorService } from '@nestjs/terminus';
import type { WorkerHeartbeats } from '@app/conversation';
import { HEALTH_CHECK_TIMEOUT_MS } from '@app/redis';
import { WorkersAliveIndicator } from './workers-alive.indicator';

describe('WorkersAliveIndicator', () => {
  const indicator = (alive: () => Promise<number>) =>
    new WorkersAliveIndicator(new HealthIndicatorService(), {
      alive,
    } as unknown as WorkerHeartbeats);

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
