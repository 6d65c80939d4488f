import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { QueueWorkers } from './jobs/queue-workers';

/**
 * On SIGTERM, the worker stops taking jobs and finishes the ones it runs before anything else
 * closes: this runs before every onApplicationShutdown hook, so the Redis connections and
 * queues that a finishing turn commits through are still open. Timers and buffered messages
 * live in Redis and are not touched; another worker carries on with them.
 */
@Injectable()
export class WorkerDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerDrain.name);

  constructor(private readonly workers: QueueWorkers) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const workers = this.workers.all();
    this.logger.log({ signal, queues: workers.map((w) => w.name) }, 'Draining: taking no new jobs');
    const started = Date.now();
    await Promise.all(workers.map((w) => w.close()));
    this.logger.log({ ms: Date.now() - started }, 'Drained: active jobs finished');
  }
}
