import type { Logger } from '@nestjs/common';
import type { Worker, WorkerOptions } from 'bullmq';
import { hostname } from 'node:os';

/**
 * Options of every BullMQ worker of this process. @Processor takes them when its module is
 * loaded, before Nest's config exists, so WORKER_LOCK_MS is read from the environment here;
 * WorkerEnv validates the same variable at boot.
 */
export function workerOptions(): Pick<WorkerOptions, 'name' | 'lockDuration' | 'stalledInterval'> {
  const lockDuration = Number(process.env.WORKER_LOCK_MS) || 30_000;
  return {
    // The worker's name shows in Bull Board ("processed by") and in BullMQ's worker list.
    name: `${hostname()}:${process.pid}`,
    lockDuration,
    stalledInterval: lockDuration,
  };
}

/**
 * Logs a worker's failed jobs with their chat, and its connection errors once per 10 s: an
 * outage makes BullMQ emit one on every reconnect attempt. Resolves when the worker is ready.
 */
export async function watchWorker(
  worker: Worker<{ channelId: string; chatId: string }>,
  logger: Logger,
  what: string,
): Promise<void> {
  let lastError = 0;
  worker.on('error', (error) => {
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    logger.warn({ err: error.message }, `${what} worker connection error`);
  });
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
