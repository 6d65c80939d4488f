import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { TurnJobData, TurnJobResult } from '@app/conversation';
import type { JobHandler } from '../queue-workers';
import { TurnRunner } from './turn-runner.service';

/** Consumes the turn queue (see worker.module.ts). */
@Injectable()
export class TurnProcessor implements JobHandler {
  constructor(private readonly runner: TurnRunner) {}

  process(job: Job<TurnJobData>): Promise<TurnJobResult> {
    return this.runner.run(job.id!, job.data);
  }
}
