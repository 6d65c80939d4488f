import { InjectQueue } from '@nestjs/bullmq';
import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  ValidationPipe,
} from '@nestjs/common';
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
import { ChatEventDto } from './chat-event.dto';

const MAX_DATA_KEYS = 50;
const MAX_VALUE_LENGTH = 4096;

/** Event data as variables: flat scalars only, stored as text. */
function eventData(data: Record<string, unknown> | undefined): Record<string, string> {
  const entries = Object.entries(data ?? {});
  if (entries.length > MAX_DATA_KEYS) {
    throw new BadRequestException(`data may have at most ${MAX_DATA_KEYS} keys`);
  }
  return Object.fromEntries(
    entries.map(([key, value]) => {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new BadRequestException(`data.${key} must be a string, a number or a boolean`);
      }
      const text = String(value);
      if (text.length > MAX_VALUE_LENGTH) {
        throw new BadRequestException(`data.${key} is longer than ${MAX_VALUE_LENGTH} characters`);
      }
      return [key, text];
    }),
  );
}

/**
 * The Incoming Request slot: an outside system starts a named branch of a chat's scenario.
 * What the branch says reaches the visitor with the chat's next Webim answer.
 */
@Controller('api/channels/:channelId/chats/:chatId/events')
export class ChatEventsController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly agents: AgentCache,
    private readonly conversations: ConversationStore,
    @InjectQueue(PROACTIVE_QUEUE) private readonly queue: Queue<ProactiveJobData>,
  ) {}

  @Post()
  @HttpCode(202)
  async post(
    @Param('channelId') channelId: string,
    @Param('chatId') chatId: string,
    @Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) event: ChatEventDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ id: string }> {
    const channel = this.registry.get(channelId);
    if (!channel) throw new NotFoundException(`No channel "${channelId}"`);
    const data = eventData(event.data);
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
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key must be 1-128 visible ASCII characters');
    }
    const id = eventJobId(channelId, chatId, idempotencyKey ?? randomUUID());
    const job: ProactiveJobData = {
      v: 1,
      kind: 'event',
      channelId,
      chatId,
      agentId: channel.agentId,
      name: event.name,
      data,
    };
    // A retry with the same key finds the job already there (kept a day) and adds nothing.
    await this.queue.add('event', job, { ...proactiveJobOptions('event'), jobId: id });
    return { id };
  }
}
