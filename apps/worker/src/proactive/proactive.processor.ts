import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { PROACTIVE_QUEUE, ProactiveJobData } from '@app/conversation';
import { watchWorker, workerOptions } from '../worker-setup';
import type { ProactiveOutcome } from '@app/metrics';
import { ProactiveRunner } from './proactive-runner.service';

@Processor(PROACTIVE_QUEUE, workerOptions())
export class ProactiveProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProactiveProcessor.name);

  constructor(private readonly runner: ProactiveRunner) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await watchWorker(this.worker, this.logger, 'Proactive');
  }

  async process(job: Job<ProactiveJobData>, token?: string): Promise<ProactiveOutcome> {
    const result = await this.runner.run(job.id!, job.timestamp, job.data);
    if (result.status === 'postponed') {
      // The timer was started again: the same job waits for the new due time.
      await job.moveToDelayed(result.until, token);
      throw new DelayedError();
    }
    return result;
  }
}
