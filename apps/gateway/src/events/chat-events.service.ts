import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { AgentCache } from '@app/catalog';
import {
  ConversationStore,
  eventJobId,
  PROACTIVE_QUEUE,
  ProactiveJobData,
  proactiveJobOptions,
} from '@app/conversation';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { idRefusal } from '../http/id-pipes';
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
    return { id };
  }
}
