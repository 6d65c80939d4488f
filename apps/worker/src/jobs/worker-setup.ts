import type { Logger } from '@nestjs/common';
import type { Worker, WorkerOptions } from 'bullmq';
import { hostname } from 'node:os';
import type { WorkerEnv } from '@app/config';
import { throttled } from '@app/logging';

/** This process among the workers: Bull Board's "processed by", BullMQ's worker list, heartbeats. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Options of this process's BullMQ worker of one queue, from the validated settings. The lock
 * and the stalled-job check share WORKER_LOCK_MS, so a killed worker's jobs are taken over
 * within that long.
 */
export function workerOptions(
  env: WorkerEnv,
  concurrency: number,
): Pick<WorkerOptions, 'name' | 'lockDuration' | 'stalledInterval' | 'concurrency'> {
  return {
    name: workerName(),
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_LOCK_MS,
    concurrency,
  };
}

/**
 * Logs a worker's failed jobs with their chat, and its connection errors now and then
 * (`throttled`). Resolves when the worker is ready.
 */
export async function watchWorker(
  worker: Worker<{ channelId: string; chatId: string }>,
  logger: Logger,
  what: string,
): Promise<void> {
  worker.on(
    'error',
    throttled((error: Error) =>
      logger.warn({ err: error.message }, `${what} worker connection error`),
    ),
  );
  worker.on('failed', (job, error) =>
    logger.error(
      {
        jobId: job?.id,
        channelId: job?.data.channelId,
        chatId: job?.data.chatId,
        err: error.message,
      },
      `${what} job failed`,
    ),
  );
  await worker.waitUntilReady();
}
