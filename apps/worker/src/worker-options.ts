import type { WorkerOptions } from 'bullmq';
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
