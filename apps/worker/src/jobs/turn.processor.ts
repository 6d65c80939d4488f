import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { TurnJobData, TurnJobResult } from '@app/conversation';
import type { JobHandler } from './queue-workers';
import { TurnExecutor, visitorTask } from '@app/turn-engine';

/** Visitor turns: one job per Webim request, whose answer the gateway waits for. */
@Injectable()
export class TurnProcessor implements JobHandler {
  constructor(private readonly executor: TurnExecutor) {}

  process(job: Job<TurnJobData>): Promise<TurnJobResult> {
    return this.executor.run(visitorTask(job.id!, job.data));
  }
}
