import { getQueueToken } from '@nestjs/bullmq';
import { Logger, Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { throttledCounting } from '@app/logging';
import { PROACTIVE_QUEUE, TURN_QUEUE } from './queues';

/** Marker of the provider below; nothing injects it. */
export class QueueConnectionLog {}

/**
 * Listens for the connection errors of the app's queues as soon as they exist. A BullMQ queue
 * emits one on every reconnect attempt while Redis is away, and prints it, stack and all, to
 * the console when nobody listens: from its creation on, so a listener added later (once the app
 * is up) would miss the errors of a start without Redis. One line per queue every 10 s at most,
 * with how many were dropped meanwhile.
 */
export const queueConnectionLog: Provider = {
  provide: QueueConnectionLog,
  inject: [getQueueToken(TURN_QUEUE), getQueueToken(PROACTIVE_QUEUE)],
  useFactory: (...queues: Queue[]) => {
    const logger = new Logger('QueueConnection');
    for (const queue of queues) {
      queue.on(
        'error',
        throttledCounting((suppressed: number, error: Error) =>
          logger.warn(
            { queue: queue.name, err: error.message, ...(suppressed > 0 && { suppressed }) },
            'Queue connection error',
          ),
        ),
      );
    }
    return new QueueConnectionLog();
  },
};
