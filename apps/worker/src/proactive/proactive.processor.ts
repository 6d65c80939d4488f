import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PROACTIVE_QUEUE, ProactiveJobData } from '@app/conversation';
import { workerOptions } from '../worker-options';
import { ProactiveRunner } from './proactive-runner.service';

@Processor(PROACTIVE_QUEUE, workerOptions())
export class ProactiveProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProactiveProcessor.name);

  constructor(private readonly runner: ProactiveRunner) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker.on('error', (error) =>
      this.logger.warn({ err: error.message }, 'Proactive worker connection error'),
    );
    this.worker.on('failed', (job, error) =>
      this.logger.error(
        {
          jobId: job?.id,
          channelId: job?.data.channelId,
          chatId: job?.data.chatId,
          err: error.message,
        },
        'Proactive job failed',
      ),
    );
    await this.worker.waitUntilReady();
  }

  process(job: Job<ProactiveJobData>) {
    return this.runner.run(job.id!, job.timestamp, job.data);
  }
}
