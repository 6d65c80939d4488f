import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import type { TurnJobData } from '@app/conversation';
import { TurnRunner } from '../../worker/src/turns/turn-runner.service';

/**
 * BENCH ONLY (`BENCH_INPROCESS_MODE=direct`): stands in for the turn queue of the product's own
 * TurnDispatcher. `add` hands the job to the worker's TurnRunner in this process instead of
 * BullMQ, so everything else stays the product's: admit, the breaker, claim and commit (Lua),
 * the timers, the reply published on Redis Pub/Sub to this gateway's ReplyListener. What the
 * `queue` mode costs beyond this one is BullMQ: the job's add, fetch, lock and completion.
 */
@Injectable()
export class DirectTurnQueue {
  private readonly logger = new Logger('BenchDirect');

  constructor(private readonly runner: TurnRunner) {}

  on(): this {
    return this;
  }

  add(_name: string, data: TurnJobData, options: JobsOptions): Promise<{ id: string }> {
    const jobId = options.jobId!;
    // As with BullMQ, the turn starts after `add` resolves; its reply arrives on Pub/Sub.
    setImmediate(() => {
      this.runner
        .run(jobId, data)
        .catch((error: Error) => this.logger.error({ jobId, err: error.message }, 'Turn failed'));
    });
    return Promise.resolve({ id: jobId });
  }
}
