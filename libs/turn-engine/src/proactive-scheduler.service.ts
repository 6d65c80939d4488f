import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  addTimerJob,
  ChatRef,
  DueTimer,
  laterJobId,
  LaterWork,
  PROACTIVE_QUEUE,
  ProactiveJobData,
  proactiveJobOptions,
} from '@app/conversation';

/**
 * Adds the proactive jobs a commit leaves to run: the delayed jobs of timers that the commit
 * found unarmed (see timers.ts), and the job that finishes a branch after a `then: later` step.
 * Most starts of a timer only move its due time inside the commit; a job is added when a timer
 * is started for the first time, or earlier than its job would look. The commit has already
 * marked the timer as armed for the job added here, and the conversation as awaiting the
 * `later` job's id.
 */
@Injectable()
export class ProactiveScheduler {
  private readonly logger = new Logger(ProactiveScheduler.name);

  constructor(@InjectQueue(PROACTIVE_QUEUE) private readonly queue: Queue<ProactiveJobData>) {}

  /** The connection jobs are added on: what a wait for replicas after adding one is sent on. */
  async connection(): Promise<Redis> {
    return (await this.queue.backend.client) as unknown as Redis;
  }

  async arm(chat: ChatRef, timers: DueTimer[]): Promise<void> {
    await Promise.all(timers.map((timer) => this.armOne(chat, timer)));
  }

  /** Queues the rest of the branch: its job makes the request, then runs in the chat's order. */
  async finishLater(chat: ChatRef & { agentId: string }, later: LaterWork): Promise<void> {
    const { channelId, chatId, agentId } = chat;
    const jobId = laterJobId(chat, later.id);
    const data: ProactiveJobData = {
      v: 1,
      kind: 'later',
      channelId,
      chatId,
      agentId,
      name: later.request.kind,
      later,
    };
    await this.queue.add('later', data, { ...proactiveJobOptions('later'), jobId });
    this.logger.debug({ channelId, chatId, jobId }, 'Rest of the branch queued');
  }

  private async armOne(chat: ChatRef, timer: DueTimer): Promise<void> {
    const jobId = await addTimerJob(this.queue, chat, timer);
    const { channelId, chatId } = chat;
    this.logger.debug({ channelId, chatId, jobId, dueAt: timer.dueAt }, 'Timer armed');
  }
}
