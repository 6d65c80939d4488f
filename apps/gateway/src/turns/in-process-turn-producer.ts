import { Injectable, Logger } from '@nestjs/common';
import { Admission, ConversationStore, TurnJobData } from '@app/conversation';
import { TurnExecutor, visitorTask } from '@app/turn-engine';
import { AdmissionRequest, TurnProducer } from './turn-producer';

/**
 * Turns run in the gateway's own process (TURN_DRIVER=in-process): no BullMQ job and no worker
 * for visitor turns, everything else as with the queue: admission, the chat's order, claim and
 * commit, the reply on this gateway's reply channel. For a single-process trial and for the
 * bench, which measures the queue's share of a turn against it. Timers and incoming requests
 * still go to the proactive queue, for a worker to run.
 */
@Injectable()
export class InProcessTurnProducer extends TurnProducer {
  private readonly logger = new Logger(InProcessTurnProducer.name);

  constructor(
    private readonly store: ConversationStore,
    private readonly executor: TurnExecutor,
  ) {
    super();
  }

  async submit(request: AdmissionRequest, job: TurnJobData, jobId: string): Promise<Admission> {
    const admission = await this.store.admit({ ...job, ...request });
    if (!admission.isNew) return admission;
    // As with a queue, the turn starts after submit resolves; its reply arrives on Pub/Sub.
    setImmediate(() => {
      this.executor
        .run(visitorTask(jobId, job))
        .catch((error: Error) =>
          this.logger.error(
            { channelId: job.channelId, chatId: job.chatId, jobId, err: error.message },
            'Turn failed',
          ),
        );
    });
    return admission;
  }
}
