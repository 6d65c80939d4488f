import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PROACTIVE_QUEUE, ProactiveJobData } from '@app/conversation';
import { watchWorker, workerOptions } from '../worker-setup';
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

  process(job: Job<ProactiveJobData>) {
    return this.runner.run(job.id!, job.timestamp, job.data);
  }
}
