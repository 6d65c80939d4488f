import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, NotFoundException, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AgentCache } from '@app/catalog';
import {
  ConversationStore,
  eventJobId,
  PROACTIVE_QUEUE,
  ProactiveJobData,
  proactiveJobOptions,
} from '@app/conversation';
import { ReplicaAck, ReplicasBehindError } from '@app/redis';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { idRefusal } from '../http/id-pipes';
import { RetryLaterException } from '../http/retry-later.exception';
import type { ChatEventDto } from './chat-event.dto';
import { eventVariables } from './event-data';

/**
 * The Incoming Request slot: an outside system starts a named branch of a chat's scenario.
 * What the branch says reaches the visitor with the chat's next Webim answer.
 */
@Injectable()
export class ChatEventsService {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly agents: AgentCache,
    private readonly conversations: ConversationStore,
    @InjectQueue(PROACTIVE_QUEUE) private readonly queue: Queue<ProactiveJobData>,
    @Optional() private readonly replicas: ReplicaAck = new ReplicaAck(0, 0),
  ) {}

  /** Queues the event's branch for the chat; the id is its job's, the same for the same key. */
  async enqueue(
    channelId: string,
    chatId: string,
    event: ChatEventDto,
    idempotencyKey?: string,
  ): Promise<{ id: string }> {
    const badKey =
      idempotencyKey !== undefined &&
      idRefusal('idempotencyKey', 'Idempotency-Key', idempotencyKey);
    if (badKey) throw badKey;
    const channel = this.registry.get(channelId);
    if (!channel) throw new NotFoundException(`No channel "${channelId}"`);
    const data = eventVariables(event.data);
    if ('refused' in data) throw new BadRequestException(data.refused);
    const agent = await this.agents.get(
      channel.agentId,
      this.registry.agentVersion(channel.agentId),
    );
    if (!agent?.agent.events[event.name]) {
      throw new NotFoundException(`The channel's agent declares no event "${event.name}"`);
    }
    if (!(await this.conversations.exists(channelId, chatId))) {
      throw new NotFoundException(`No conversation in chat "${chatId}"`);
    }
    const id = eventJobId(channelId, chatId, idempotencyKey ?? randomUUID());
    const job: ProactiveJobData = {
      v: 1,
      kind: 'event',
      channelId,
      chatId,
      agentId: channel.agentId,
      name: event.name,
      data: data.variables,
    };
    // A retry with the same key finds the job already there (kept a day) and adds nothing.
    await this.queue.add('event', job, { ...proactiveJobOptions('event'), jobId: id });
    await this.replicated();
    return { id };
  }

  /**
   * With REDIS_MIN_REPLICAS_ACK, a request is accepted only once its job is on that many
   * replicas; otherwise the answer is 503, and the caller's retry with the same
   * Idempotency-Key adds the job where it is missing and nothing where it is not.
   */
  private async replicated(): Promise<void> {
    if (!this.replicas.enabled) return;
    try {
      await this.replicas.confirm((await this.queue.backend.client) as unknown as Redis);
    } catch (error) {
      if (!(error instanceof ReplicasBehindError)) throw error;
      throw new RetryLaterException(
        503,
        'The request was not replicated in time; retry it with the same Idempotency-Key',
        1,
      );
    }
  }
}
