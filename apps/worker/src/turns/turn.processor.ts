import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WorkerEnv } from '@app/config';
import { TURN_QUEUE, TurnJobData, TurnJobResult } from '@app/conversation';
import { watchWorker, workerOptions } from '../worker-setup';
import { TurnExecutor } from './turn-executor.service';
import { visitorTask } from './turn-task';

/** Visitor turns: one job per Webim request, whose answer the gateway waits for. */
@Processor(TURN_QUEUE, workerOptions())
export class TurnProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TurnProcessor.name);

  constructor(
    private readonly executor: TurnExecutor,
    private readonly env: WorkerEnv,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker.concurrency = this.env.WORKER_CONCURRENCY;
    await watchWorker(this.worker, this.logger, 'Turn');
  }

  process(job: Job<TurnJobData>): Promise<TurnJobResult> {
    return this.executor.run(visitorTask(job.id!, job.data));
  }
}
