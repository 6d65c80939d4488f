import type { DiscoveryService, ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { validateEnv, WorkerEnv } from '@app/config';
import { JobHandler, QueueConsumers, QueueWorkers } from './queue-workers';
import { workerOptions } from './worker-setup';

class Handler implements JobHandler {
  process(): Promise<unknown> {
    return Promise.resolve(null);
  }
}

/** A registered queue as discovery finds it; never connected, since start-up stops first. */
function queue(name: string): Queue {
  return Object.assign(Object.create(Queue.prototype) as Queue, { name });
}

function registry(queues: string[], consumers: QueueConsumers): QueueWorkers {
  const discovery = {
    getProviders: () => [
      { instance: 'not a queue' },
      ...queues.map((q) => ({ instance: queue(q) })),
    ],
  } as unknown as DiscoveryService;
  const moduleRef = { get: () => new Handler() } as unknown as ModuleRef;
  return new QueueWorkers(new WorkerEnv(), discovery, moduleRef, consumers);
}

describe('QueueWorkers', () => {
  it('refuses to start when a registered queue has no consumer', async () => {
    const workers = registry(['turns', 'timers'], {
      turns: { handler: Handler, label: 'Turn', concurrency: () => 1 },
    });
    await expect(workers.onModuleInit()).rejects.toThrow(
      'queue "timers" has no consumer in the worker',
    );
    expect(workers.all()).toEqual([]);
  });

  it('refuses to start when it would consume a queue nobody registered', async () => {
    const workers = registry(['turns'], {
      turns: { handler: Handler, label: 'Turn', concurrency: () => 1 },
      tunrs: { handler: Handler, label: 'Typo', concurrency: () => 1 },
    });
    await expect(workers.onModuleInit()).rejects.toThrow(
      'the worker consumes "tunrs", which is not a registered queue',
    );
  });
});

describe('workerOptions', () => {
  const env = validateEnv(WorkerEnv, { WORKER_LOCK_MS: '1234', WORKER_MAX_STALLS: '5' });

  it('takes the job lock and the stalled-job check from WORKER_LOCK_MS', () => {
    expect(workerOptions(env, 1)).toMatchObject({ lockDuration: 1234, stalledInterval: 1234 });
  });

  it('lets a job lose its worker WORKER_MAX_STALLS times, not BullMQ default of once', () => {
    expect(workerOptions(env, 1)).toMatchObject({ maxStalledCount: 5 });
    expect(workerOptions(new WorkerEnv(), 1)).toMatchObject({ maxStalledCount: 10 });
  });

  it('refuses a stall limit or a proactive concurrency out of range', () => {
    expect(() => validateEnv(WorkerEnv, { WORKER_MAX_STALLS: '0' })).toThrow(
      'WORKER_MAX_STALLS: must not be less than 1',
    );
    expect(() => validateEnv(WorkerEnv, { PROACTIVE_CONCURRENCY: '1001' })).toThrow(
      'PROACTIVE_CONCURRENCY: must not be greater than 1000',
    );
  });

  it('runs as many jobs at once as its queue is given', () => {
    expect(workerOptions(env, 7)).toMatchObject({ concurrency: 7, lockDuration: 1234 });
  });
});
