import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
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
  TurnScriptClient,
} from '@app/conversation';
import { AdmissionRequest, TurnProducer } from './turn-producer';

/**
 * Turns go to the workers as BullMQ jobs. Admission and the job's add are written back to back
 * on the queue's connection, in one socket write: one round trip, and Redis runs the two in
 * order, so the job is only visible once its turn is in the chat's order. A re-sent request's
 * job is added all the same and ends at once as `gone` (its turn is not listed).
 *
 * This reaches into BullMQ (the queue's client, Job.addJob) to save a round trip per request,
 * and is the only place that does. An ioredis pipeline would do the same without it, but copies
 * every BullMQ script defined on the connection into itself: 8% of the gateway's CPU when it
 * was measured (docs/performance.md).
 */
@Injectable()
export class BullmqTurnProducer extends TurnProducer {
  private readonly jobOptions: JobsOptions;
  private prepared?: { raw: Redis; client: TurnScriptClient };

  constructor(
    @InjectQueue(TURN_QUEUE) private readonly queue: Queue<TurnJobData>,
    private readonly store: ConversationStore,
    env: GatewayEnv,
  ) {
    super();
    this.jobOptions = turnJobOptions({
      ageSec: env.JOB_RETENTION_SEC,
      count: env.JOB_RETENTION_COUNT,
    });
  }

  async submit(request: AdmissionRequest, job: TurnJobData, jobId: string): Promise<Admission> {
    const client = await this.queueClient();
    const socket = (client as unknown as { stream?: Writable }).stream;
    let admitted: Promise<Admission>;
    let added: Promise<Error | null>;
    socket?.cork();
    try {
      admitted = this.store.admit({ ...job, ...request }, client);
      added = new Job(this.queue, 'turn', job, { ...this.jobOptions, jobId }, jobId)
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
  private async queueClient(): Promise<TurnScriptClient> {
    const raw = (await this.queue.backend.client) as unknown as Redis;
    if (this.prepared?.raw !== raw) this.prepared = { raw, client: defineTurnScripts(raw) };
    return this.prepared.client;
  }
}
