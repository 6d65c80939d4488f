import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@app/config';
import { decodeReplyEnvelope, replyChannel, TurnReply } from '@app/conversation';
import { SUBSCRIBER_REDIS } from '@app/redis';
import { INSTANCE_ID } from './instance-id';

type Deliver = (reply: TurnReply) => void;

/**
 * The gateway's single reply listener: workers publish each reply on this instance's channel,
 * and it is handed to whoever waits for that job id. No per-request QueueEvents or listeners.
 */
@Injectable()
export class ReplyListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReplyListener.name);
  private readonly waiters = new Map<string, Set<Deliver>>();
  readonly channel: string;

  constructor(
    @Inject(SUBSCRIBER_REDIS) private readonly subscriber: Redis,
    @Inject(INSTANCE_ID) instanceId: string,
    env: GatewayEnv,
  ) {
    this.channel = replyChannel(env.KEY_PREFIX, instanceId);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.deliver(message);
    });
    await this.subscriber.subscribe(this.channel);
  }

  /**
   * Registers interest in a job's reply. Call it before the job is added, so that a reply that
   * comes back faster than `queue.add` resolves is not missed. `cancel` must be called if the
   * reply is no longer wanted (timeout), or the waiter would leak.
   */
  wait(jobId: string): { reply: Promise<TurnReply>; cancel: () => void } {
    let deliver!: Deliver;
    const reply = new Promise<TurnReply>((resolve) => (deliver = resolve));
    let set = this.waiters.get(jobId);
    if (!set) this.waiters.set(jobId, (set = new Set()));
    set.add(deliver);
    const cancel = () => {
      const current = this.waiters.get(jobId);
      current?.delete(deliver);
      if (current?.size === 0) this.waiters.delete(jobId);
    };
    return { reply, cancel };
  }

  get pending(): number {
    return this.waiters.size;
  }

  private deliver(message: string): void {
    const envelope = decodeReplyEnvelope(message);
    if (!envelope) {
      this.logger.warn('Ignored a malformed reply envelope');
      return;
    }
    const set = this.waiters.get(envelope.jobId);
    if (!set) return; // already answered by the fallback: the late reply has nobody to go to
    this.waiters.delete(envelope.jobId);
    const reply = JSON.parse(envelope.replyJson) as TurnReply;
    for (const deliver of set) deliver(reply);
  }
}
