import type { Logger } from '@nestjs/common';
import type { Worker, WorkerOptions } from 'bullmq';
import { hostname } from 'node:os';
import type { WorkerEnv } from '@app/config';
import { throttledCounting } from '@app/logging';

/** This process among the workers: Bull Board's "processed by", BullMQ's worker list, heartbeats. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Options of this process's BullMQ worker of one queue, from the validated settings. The lock
 * and the stalled-job check share WORKER_LOCK_MS, so a killed worker's jobs are taken over
 * within that long. BullMQ fails a job that stalled more than `maxStalledCount` times, whatever
 * its attempts, and its default of one would fail a timer or an incoming request whose workers
 * died twice: WORKER_MAX_STALLS decides instead.
 */
export function workerOptions(
  env: WorkerEnv,
  concurrency: number,
): Pick<
  WorkerOptions,
  'name' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'concurrency'
> {
  return {
    name: workerName(),
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_LOCK_MS,
    maxStalledCount: env.WORKER_MAX_STALLS,
    concurrency,
  };
}

/**
 * Logs a worker's failed jobs with their chat, the jobs it found without their worker, and its
 * connection errors now and then (`throttled`). Resolves when the worker is ready.
 */
export async function watchWorker(
  worker: Worker<{ channelId: string; chatId: string }>,
  logger: Logger,
  what: string,
): Promise<void> {
  worker.on(
    'error',
    throttledCounting((suppressed: number, error: Error) =>
      logger.warn(
        { err: error.message, ...(suppressed > 0 && { suppressed }) },
        `${what} worker connection error`,
      ),
    ),
  );
  // The stalled-job check names the job only; the worker that runs it again logs its chat.
  worker.on('stalled', (jobId) =>
    logger.warn({ jobId }, `${what} job lost its worker (killed or blocked); running it again`),
  );
  worker.on('failed', (job, error) => {
    const stalls = job?.stalledCounter ?? 0;
    logger.error(
      {
        jobId: job?.id,
        channelId: job?.data.channelId,
        chatId: job?.data.chatId,
        stalls,
        err: error.message,
      },
      stalls > (worker.opts.maxStalledCount ?? 1)
        ? `${what} job given up: its workers died running it more than WORKER_MAX_STALLS times; kept with the failed jobs until retried`
        : `${what} job failed`,
    );
  });
  await worker.waitUntilReady();
}
