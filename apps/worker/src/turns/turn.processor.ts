import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WorkerEnv } from '@app/config';
import { TURN_QUEUE, TurnJobData, TurnJobResult } from '@app/conversation';
import { workerOptions } from '../worker-options';
import { TurnRunner } from './turn-runner.service';

@Processor(TURN_QUEUE, workerOptions())
export class TurnProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TurnProcessor.name);
  private lastError = 0;

  constructor(
    private readonly runner: TurnRunner,
    private readonly env: WorkerEnv,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker.concurrency = this.env.WORKER_CONCURRENCY;
    this.worker.on('error', (error) => {
      if (Date.now() - this.lastError < 10_000) return;
      this.lastError = Date.now();
      this.logger.warn({ err: error.message }, 'Turn worker connection error');
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error(
        {
          jobId: job?.id,
          channelId: job?.data.channelId,
          chatId: job?.data.chatId,
          err: error.message,
        },
        'Turn job failed',
      ),
    );
    await this.worker.waitUntilReady();
  }

  process(job: Job<TurnJobData>): Promise<TurnJobResult> {
    return this.runner.run(job.id!, job.data);
  }
}
