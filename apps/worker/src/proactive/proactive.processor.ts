import { Injectable } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { ProactiveJobData } from '@app/conversation';
import type { ProactiveOutcome } from '@app/metrics';
import type { JobHandler } from '../queue-workers';
import { ProactiveRunner } from './proactive-runner.service';

/** Consumes the proactive queue (see worker.module.ts). */
@Injectable()
export class ProactiveProcessor implements JobHandler {
  constructor(private readonly runner: ProactiveRunner) {}

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
