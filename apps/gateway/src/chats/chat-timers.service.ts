import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CatalogStore } from '@app/catalog';
import {
  addTimerJob,
  ConversationStore,
  PROACTIVE_QUEUE,
  ProactiveJobData,
  timerJobId,
} from '@app/conversation';

/**
 * Fires a running timer now instead of at its due time, so that an author trying an agent need
 * not wait out a `30m`. The timer goes through its usual path: a proactive job, a worker, the
 * chat's order, the outbox; only its due time moves.
 */
@Injectable()
export class ChatTimersService {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly conversations: ConversationStore,
    @InjectQueue(PROACTIVE_QUEUE) private readonly queue: Queue<ProactiveJobData>,
  ) {}

  async fireNow(channelId: string, chatId: string, name: string): Promise<{ id: string }> {
    if (!(await this.catalog.getChannel(channelId))) {
      throw new NotFoundException(`No channel "${channelId}"`);
    }
    const { conversation } = await this.conversations.read(channelId, chatId);
    if (!conversation) throw new NotFoundException(`No conversation in chat "${chatId}"`);
    // Timers belong to the agent whose scenario started them: the conversation's.
    const { agentId } = conversation;
    const chat = { channelId, chatId };
    const now = Date.now();
    const jobId = timerJobId(chat, { agentId, name, dueAt: now });
    if (!(await this.conversations.fireNow(chat, { agentId, name }, jobId, now))) {
      throw new NotFoundException(`No timer "${name}" is running in chat "${chatId}"`);
    }
    return { id: await addTimerJob(this.queue, chat, { agentId, name, dueAt: now }) };
  }
}
