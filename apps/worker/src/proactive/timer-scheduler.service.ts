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

  /**
   * Only the last effect on each timer counts (a cancel then a start is a restart), and
   * different timers are independent, so they go to Redis together.
   */
  async apply(context: TimerContext, effects: TurnEffect[]): Promise<void> {
    const last = new Map<string, TurnEffect>();
    for (const effect of effects) last.set(effect.name, effect);
    await Promise.all(
      [...last.values()].map((effect) =>
        effect.type === 'start_timer'
          ? this.start(context, effect.name, effect.delayMs)
          : this.remove(
              timerJobId(context.channelId, context.chatId, context.agentId, effect.name),
            ),
      ),
    );
  }

  /**
   * A timer still waiting is moved to its new time in one step (the common case: a scenario
   * restarts its reminder at every menu); otherwise it is added, after removing a finished one
   * that would hold its id.
   */
  private async start(context: TimerContext, name: string, delayMs: number): Promise<void> {
    const jobId = timerJobId(context.channelId, context.chatId, context.agentId, name);
    try {
      await this.queue.backend.changeDelay(jobId, delayMs);
      this.logger.debug({ ...context, jobId, delayMs }, 'Timer restarted');
      return;
    } catch {
      // Not waiting: never started, fired, or firing now. Start it afresh below.
    }
    await this.remove(jobId);
    const data: ProactiveJobData = { v: 1, kind: 'timer', ...context, name };
    await this.queue.add('timer', data, {
      jobId,
      delay: delayMs,
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      // Removed when done, so that the next start_timer can reuse the id.
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    });
    this.logger.debug({ ...context, jobId, delayMs }, 'Timer started');
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
