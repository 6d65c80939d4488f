import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { PROACTIVE_QUEUE, ProactiveJobData, timerJobId } from '@app/conversation';
import type { TurnEffect } from '@app/scenario';

/** What a timer job needs to know about its chat. */
export interface TimerContext {
  channelId: string;
  chatId: string;
  agentId: string;
}

/**
 * Timers are BullMQ delayed jobs with a deterministic id per chat and name: they survive
 * restarts of every process, starting one again replaces it, and cancelling removes it.
 */
@Injectable()
export class TimerScheduler {
  private readonly logger = new Logger('Timers');

  constructor(@InjectQueue(PROACTIVE_QUEUE) private readonly queue: Queue<ProactiveJobData>) {}

  async apply(context: TimerContext, effects: TurnEffect[]): Promise<void> {
    for (const effect of effects) {
      const jobId = timerJobId(context.channelId, context.chatId, effect.name);
      await this.remove(jobId);
      if (effect.type !== 'start_timer') continue;
      const data: ProactiveJobData = { v: 1, kind: 'timer', ...context, name: effect.name };
      await this.queue.add('timer', data, {
        jobId,
        delay: effect.delayMs,
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        // Removed when done, so that the next start_timer can reuse the id.
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      });
      this.logger.debug({ ...context, jobId, delayMs: effect.delayMs }, 'Timer started');
    }
  }

  private async remove(jobId: string): Promise<void> {
    try {
      await this.queue.remove(jobId);
    } catch (error) {
      // A timer that is firing right now cannot be removed; it runs, and the new one is not set.
      this.logger.warn(
        { jobId, err: (error as Error).message },
        'Could not replace a running timer',
      );
    }
  }
}
