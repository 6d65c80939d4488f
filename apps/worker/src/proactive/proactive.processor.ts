import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { PROACTIVE_QUEUE, ProactiveJobData, ProactiveOutcome } from '@app/conversation';
import { TurnExecutor } from '../turns/turn-executor.service';
import { proactiveTask } from '../turns/turn-task';
import { watchWorker, workerOptions } from '../worker-setup';

/** Proactive turns: timers (delayed jobs) and incoming requests, buffered in the outbox. */
@Processor(PROACTIVE_QUEUE, workerOptions())
export class ProactiveProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProactiveProcessor.name);

  constructor(private readonly executor: TurnExecutor) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await watchWorker(this.worker, this.logger, 'Proactive');
  }

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
