import type { JobsOptions } from 'bullmq';

// The two BullMQ queues of the product, with the options of their jobs and the ids those jobs
// get. Every producer reads them from here, so that a job's retries and retention are decided
// in one place.

/** Synchronous turns: one job per Webim request. */
export const TURN_QUEUE = 'webim-turns';

/** Proactive turns: timers (delayed jobs) and incoming requests. */
export const PROACTIVE_QUEUE = 'webim-proactive';

/** How long finished turn jobs are kept for Bull Board (JOB_RETENTION_SEC / _COUNT). */
export interface TurnJobRetention {
  ageSec: number;
  count: number;
}

export function turnJobOptions(retention: TurnJobRetention): JobsOptions {
  return {
    // A turn is never retried: by the time a retry could run, Webim has its answer.
    attempts: 1,
    removeOnComplete: { age: retention.ageSec, count: retention.count },
    removeOnFail: { age: retention.ageSec * 24, count: retention.count },
  };
}

/**
 * Options of a proactive job. A retry (its worker died, or the chat stayed busy) keeps the
 * job's id and so its place in the chat's order. An incoming request's job is kept a day after
 * it completes, so that a retry of the request with the same Idempotency-Key adds nothing; a
 * timer's is removed at once, since its id carries its due time and is never reused.
 */
export function proactiveJobOptions(kind: 'timer' | 'event'): JobsOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: kind === 'timer' ? true : { age: DAY_SEC },
    removeOnFail: { age: DAY_SEC },
  };
}

const DAY_SEC = 24 * 3600;

/** BullMQ job id of a turn: a re-sent request waits on the same id as the turn it repeats. */
export function turnJobId(channelId: string, chatId: string, turnId: string): string {
  return `${channelId}.${encodeURIComponent(chatId)}.${turnId}`;
}

/** An incoming request's job id: retries with the same Idempotency-Key map to the same job. */
export function eventJobId(channelId: string, chatId: string, key: string): string {
  return `event.${channelId}.${encodeURIComponent(chatId)}.${encodeURIComponent(key)}`;
}
