import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import {
  PROACTIVE_QUEUE,
  ProactiveOutcome,
  ProactiveJobData,
  TURN_QUEUE,
  TurnJobData,
  TurnJobResult,
} from '@app/conversation';
import { WorkerMetrics } from '@app/metrics';
import { QueueWorkers } from '../jobs/queue-workers';

/**
 * Records what every job of this process came to, from its worker's events, so that the
 * runners stay free of metrics code: their job results already say what happened.
 */
@Injectable()
export class JobMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly workers: QueueWorkers,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    for (const worker of this.workers.all()) this.observe(worker);
  }

  private observe(worker: Worker): void {
    const queue = worker.name;
    this.metrics.queueWatched(queue);
    worker.on('stalled', () => this.metrics.jobStalled(queue));
    worker.on('active', (job) => this.metrics.jobStarted(queue, job));
    worker.on('completed', (job, result) => {
      this.metrics.jobFinished(queue, job, 'completed');
      this.recordResult(queue, job, result);
    });
    worker.on('failed', (job) => {
      if (!job) return; // a job lost while stalled: no attempt of this process to record
      this.metrics.jobFinished(queue, job, 'failed');
      this.recordResult(queue, job, null);
    });
  }

  private recordResult(queue: string, job: Job, result: unknown): void {
    if (queue === TURN_QUEUE) {
      const data = job.data as TurnJobData;
      this.metrics.turnFinished(data.channelId, result as TurnJobResult | null);
    } else if (queue === PROACTIVE_QUEUE) {
      this.metrics.proactiveFinished(
        job.data as ProactiveJobData,
        result as ProactiveOutcome | null,
      );
    }
  }
}
