import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { PROACTIVE_QUEUE, TURN_QUEUE } from '@app/conversation';
import { HEALTH_CHECK_TIMEOUT_MS, withTimeout } from '@app/redis';

/** What the indicator needs of a BullMQ queue. */
export type PausableQueue = Pick<Queue, 'name' | 'isPaused'>;

/**
 * Up while neither queue is paused. Nothing takes a paused queue's jobs, whatever the workers:
 * with `webim-turns` paused every Webim request waits out its budget and is handed off, with
 * `webim-proactive` paused no timer fires and no incoming request runs.
 */
@Injectable()
export class QueuesRunningIndicator {
  private readonly queues: PausableQueue[];

  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(TURN_QUEUE) turns: PausableQueue,
    @InjectQueue(PROACTIVE_QUEUE) proactive: PausableQueue,
  ) {
    this.queues = [turns, proactive];
  }

  async check(): Promise<HealthIndicatorResult<'queues'>> {
    const indicator = this.indicators.check('queues');
    try {
      const paused = await withTimeout(
        Promise.all(this.queues.map((q) => q.isPaused())),
        HEALTH_CHECK_TIMEOUT_MS,
      );
      const states = Object.fromEntries(
        this.queues.map((q, i) => [q.name, paused[i] ? 'paused' : 'running']),
      );
      const names = this.queues.filter((_, i) => paused[i]).map((q) => q.name);
      if (names.length === 0) return indicator.up(states);
      const message = `paused: ${names.join(', ')}; nothing takes their jobs until resumed`;
      return indicator.down({ ...states, message });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
