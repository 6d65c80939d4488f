import { Injectable } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { ProactiveJobData, ProactiveOutcome } from '@app/conversation';
import type { JobHandler } from './queue-workers';
import { proactiveTask, TurnExecutor } from '@app/turn-engine';

/** Proactive turns: timers (delayed jobs) and incoming requests, buffered in the outbox. */
@Injectable()
export class ProactiveProcessor implements JobHandler {
  constructor(private readonly executor: TurnExecutor) {}

  async process(job: Job<ProactiveJobData>, token?: string): Promise<ProactiveOutcome> {
    const result = await this.executor.run(proactiveTask(job.id!, job.timestamp, job.data));
    if (result.status === 'postponed') {
      // The timer was started again: the same job waits for the new due time.
      await job.moveToDelayed(result.until, token);
      throw new DelayedError();
    }
    return result;
  }
}
