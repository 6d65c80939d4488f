import { Injectable, Logger } from '@nestjs/common';
import { Admission, ConversationStore, TurnJobData } from '@app/conversation';
import { AdmissionRequest, admitTurn } from '../../gateway/src/turns/turn-queue.service';
import { TurnExecutor, visitorTask } from '@app/turn-engine';

/**
 * BENCH ONLY (`BENCH_INPROCESS_MODE=direct`): stands in for the gateway's TurnQueue. It admits
 * the turn as the product does, then hands the job to the worker's TurnExecutor in this process
 * instead of BullMQ, so everything else stays the product's: admit, the breaker, claim and
 * commit (Lua), the timers, the reply published on Redis Pub/Sub to this gateway's
 * ReplyListener. What the `queue` mode costs beyond this one is BullMQ: the job's add, fetch,
 * lock and completion.
 */
@Injectable()
export class DirectTurnQueue {
  private readonly logger = new Logger('BenchDirect');

  constructor(
    private readonly store: ConversationStore,
    private readonly executor: TurnExecutor,
  ) {}

  async admitAndAdd(
    request: AdmissionRequest,
    data: TurnJobData,
    jobId: string,
  ): Promise<Admission> {
    const admission = await admitTurn(this.store, request, data);
    if (!admission.isNew) return admission;
    // As with BullMQ, the turn starts after the add resolves; its reply arrives on Pub/Sub.
    setImmediate(() => {
      this.executor
        .run(visitorTask(jobId, data))
        .catch((error: Error) => this.logger.error({ jobId, err: error.message }, 'Turn failed'));
    });
    return admission;
  }
}
