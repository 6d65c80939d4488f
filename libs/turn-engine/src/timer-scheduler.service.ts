import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ChatRef,
  DueTimer,
  PROACTIVE_QUEUE,
  ProactiveJobData,
  proactiveJobOptions,
  timerJobId,
} from '@app/conversation';

/**
 * Adds the delayed jobs of timers that a commit found unarmed (see timers.ts). Most starts of a
 * timer only move its due time inside the commit; this runs when a timer is started for the
 * first time, or earlier than its job would look. The commit has already marked the timer as
 * armed for the job added here.
 */
@Injectable()
export class TimerScheduler {
  private readonly logger = new Logger(TimerScheduler.name);

  constructor(@InjectQueue(PROACTIVE_QUEUE) private readonly queue: Queue<ProactiveJobData>) {}

  /** The connection timers are armed on: what a wait for replicas after arming is sent on. */
  async connection(): Promise<Redis> {
    return (await this.queue.backend.client) as unknown as Redis;
  }

  async arm(chat: ChatRef, timers: DueTimer[]): Promise<void> {
    await Promise.all(timers.map((timer) => this.armOne(chat, timer)));
  }

  private async armOne({ channelId, chatId }: ChatRef, timer: DueTimer): Promise<void> {
    const chat = { channelId, chatId };
    const jobId = timerJobId(chat, timer);
    const { agentId, name, dueAt } = timer;
    const data: ProactiveJobData = { v: 1, kind: 'timer', ...chat, agentId, name };
    await this.queue.add('timer', data, {
      ...proactiveJobOptions('timer'),
      jobId,
      delay: Math.max(0, dueAt - Date.now()),
    });
    this.logger.debug({ ...chat, jobId, dueAt }, 'Timer armed');
  }
}
