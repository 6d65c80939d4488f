import { HealthIndicatorService } from '@nestjs/terminus';
import { HEALTH_CHECK_TIMEOUT_MS } from '@app/redis';
import { PausableQueue, QueuesRunningIndicator } from './queues-running.indicator';

describe('QueuesRunningIndicator', () => {
  const queue = (name: string, isPaused: () => Promise<boolean>) =>
    ({ name, isPaused }) as PausableQueue;
  const indicator = (turns: () => Promise<boolean>, proactive: () => Promise<boolean>) =>
    new QueuesRunningIndicator(
      new HealthIndicatorService(),
      queue('webim-turns', turns),
      queue('webim-proactive', proactive),
    );
  const running = () => Promise.resolve(false);
  const paused = () => Promise.resolve(true);

  afterEach(() => jest.useRealTimers());

  it('is up while no queue is paused', async () => {
    expect(await indicator(running, running).check()).toEqual({
      queues: { status: 'up', 'webim-turns': 'running', 'webim-proactive': 'running' },
    });
  });

  it('is down, naming each paused queue', async () => {
    expect(await indicator(paused, running).check()).toEqual({
      queues: {
        status: 'down',
        'webim-turns': 'paused',
        'webim-proactive': 'running',
        message: 'paused: webim-turns; nothing takes their jobs until resumed',
      },
    });
    expect((await indicator(paused, paused).check()).queues.message).toBe(
      'paused: webim-turns, webim-proactive; nothing takes their jobs until resumed',
    );
  });

  it('is down, saying why, when Redis does not answer in time', async () => {
    jest.useFakeTimers();
    const check = indicator(() => new Promise<boolean>(() => undefined), running).check();
    await jest.advanceTimersByTimeAsync(HEALTH_CHECK_TIMEOUT_MS);
    expect(await check).toEqual({
      queues: { status: 'down', message: `no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms` },
    });
  });
});
