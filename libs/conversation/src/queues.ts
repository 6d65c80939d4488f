import type { JobsOptions, Queue } from 'bullmq';
import type { ChatRef } from './conversation-keys';
import type { DueTimer } from './timers';
import type { ProactiveJobData } from './turn-contracts';

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
 * timer's or a `later` job's is removed at once, since its id is never reused.
 */
export function proactiveJobOptions(kind: 'timer' | 'event' | 'later'): JobsOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: kind === 'event' ? { age: DAY_SEC } : true,
    removeOnFail: { age: DAY_SEC },
  };
}

const DAY_SEC = 24 * 3600;

/**
 * A job id made of parts joined by '.'. Each part is percent-encoded as encodeURIComponent does,
 * and its dots too (`%2E`), so that the joiner never appears inside a part: two different
 * tuples of parts never share an id, and each part can be read back. No part holds ':', which
 * BullMQ refuses in custom job ids. A part without a dot is encoded as before dots were
 * escaped, so that jobs already queued, and timers armed for them, keep their ids.
 */
export function jobIdOf(...parts: (string | number)[]): string {
  return parts.map((part) => jobIdPart(String(part))).join('.');
}

function jobIdPart(part: string): string {
  // A lone surrogate has no UTF-8 form: encodeURIComponent would throw a bare URIError.
  if (!part.isWellFormed()) throw new TypeError('A job id part must be well-formed Unicode');
  return encodeURIComponent(part).replaceAll('.', '%2E');
}

/** BullMQ job id of a turn: a re-sent request waits on the same id as the turn it repeats. */
export function turnJobId(channelId: string, chatId: string, turnId: string): string {
  return jobIdOf(channelId, chatId, turnId);
}

/** An incoming request's job id: retries with the same Idempotency-Key map to the same job. */
export function eventJobId(channelId: string, chatId: string, key: string): string {
  return jobIdOf('event', channelId, chatId, key);
}

/**
 * A timer's job id: one per chat, agent, timer name and the due time it was armed for. A
 * restart moves the timer in the chat's hash, not the job (see timers.ts), so a job is added
 * only when none is armed in time, and its id is never that of a job still being removed.
 */
export function timerJobId({ channelId, chatId }: ChatRef, timer: DueTimer): string {
  return jobIdOf('timer', channelId, chatId, timer.agentId, timer.name, timer.dueAt);
}

/** The job that finishes a branch after a `then: later` step; `id` marks the conversation. */
export function laterJobId({ channelId, chatId }: ChatRef, id: string): string {
  return jobIdOf('later', channelId, chatId, id);
}

/**
 * Adds the job that fires `timer` at its due time (at once when that has passed) and answers
 * its id. The caller has recorded the job as the one armed for the timer (see timers.ts).
 */
export async function addTimerJob(
  queue: Queue<ProactiveJobData>,
  { channelId, chatId }: ChatRef,
  timer: DueTimer,
): Promise<string> {
  const chat = { channelId, chatId };
  const jobId = timerJobId(chat, timer);
  const { agentId, name, dueAt } = timer;
  const data: ProactiveJobData = { v: 1, kind: 'timer', ...chat, agentId, name };
  await queue.add('timer', data, {
    ...proactiveJobOptions('timer'),
    jobId,
    delay: Math.max(0, dueAt - Date.now()),
  });
  return jobId;
}
