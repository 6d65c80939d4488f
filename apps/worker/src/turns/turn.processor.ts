import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WorkerEnv } from '@app/config';
import { TURN_QUEUE, TurnJobData, TurnJobResult } from '@app/conversation';
import { watchWorker, workerOptions } from '../worker-setup';
import { TurnRunner } from './turn-runner.service';

@Processor(TURN_QUEUE, workerOptions())
export class TurnProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TurnProcessor.name);

  constructor(
    private readonly runner: TurnRunner,
    private readonly env: WorkerEnv,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker.concurrency = this.env.WORKER_CONCURRENCY;
    await watchWorker(this.worker, this.logger, 'Turn');
  }

  process(job: Job<TurnJobData>): Promise<TurnJobResult> {
    return this.runner.run(job.id!, job.data);
  }
}
