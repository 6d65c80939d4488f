import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Writable } from 'node:stream';
import { GatewayEnv } from '@app/config';
import {
  Admission,
  ConversationStore,
  defineTurnScripts,
  TURN_QUEUE,
  TurnJobData,
  turnJobOptions,
} from '@app/conversation';

/** What admission needs besides the job: the request's fingerprint, to spot a re-send. */
export interface AdmissionRequest {
  requestHash: string;
  dedupWindowMs: number;
}

/** Admits the turn its job data names; on `via`, or on the store's own connection. */
export function admitTurn(
  store: ConversationStore,
  request: AdmissionRequest,
  data: TurnJobData,
  via?: Redis,
): Promise<Admission> {
  const { channelId, chatId, deadline, turnId } = data;
  return store.admit({ channelId, chatId, turnId, deadline, ...request }, via);
}

/**
 * The gateway's side of the turn queue: admits a request as the turn its job data names, and
 * adds the job, in one round trip. Redis runs the two in order, so the job is only visible
 * once its turn is in the chat's order. A re-sent request's job is added all the same and ends
 * at once as `gone` (its turn is not listed).
 */
@Injectable()
export class TurnQueue implements OnModuleInit {
  private readonly logger = new Logger('Turns');
  private readonly jobOptions: JobsOptions;
  private lastQueueError = 0;
  private preparedClient?: Redis;

  constructor(
    @InjectQueue(TURN_QUEUE) private readonly queue: Queue<TurnJobData>,
    private readonly store: ConversationStore,
    env: GatewayEnv,
  ) {
    this.jobOptions = turnJobOptions({
      ageSec: env.JOB_RETENTION_SEC,
      count: env.JOB_RETENTION_COUNT,
    });
  }

  onModuleInit(): void {
    this.queue.on('error', (error) => {
      if (Date.now() - this.lastQueueError < 10_000) return;
      this.lastQueueError = Date.now();
      this.logger.warn({ err: error.message }, 'Turn queue connection error');
    });
  }

  async admitAndAdd(
    request: AdmissionRequest,
    data: TurnJobData,
    jobId: string,
  ): Promise<Admission> {
    // Written back to back on one connection, in one write (corked), and awaited together.
    // (A pipeline would copy every BullMQ script defined on the connection into itself.)
    const client = await this.queueClient();
    const socket = (client as unknown as { stream?: Writable }).stream;
    let admitted: Promise<Admission>;
    let added: Promise<Error | null>;
    socket?.cork();
    try {
      admitted = admitTurn(this.store, request, data, client);
      added = new Job(this.queue, 'turn', data, { ...this.jobOptions, jobId }, jobId)
        .addJob(client as never)
        .then(
          () => null,
          (error: Error) => error,
        );
    } finally {
      // Both commands were written synchronously above (BullMQ's add awaits only its reply);
      // a throw must not leave the connection corked.
      socket?.uncork();
    }
    const [admission, addError] = await Promise.all([admitted, added]);
    if (admission.isNew && addError) throw addError;
    return admission;
  }

  /** The queue's connection, with the turn scripts defined on it. */
  private async queueClient(): Promise<Redis> {
    const client = (await this.queue.backend.client) as unknown as Redis;
    if (client !== this.preparedClient) {
      defineTurnScripts(client);
      this.preparedClient = client;
    }
    return client;
  }
}
