import { createHash } from 'node:crypto';
import type { LaterWork, ProactiveJobData, TurnJobData, TurnRef } from '@app/conversation';
import type { TurnInput } from '@app/scenario';

/**
 * A turn for the executor to run, from its job: a visitor's Webim request, whose answer the
 * gateway waits for, or a timer's, an incoming request's or the rest of a branch after a
 * `then: later` step, whose messages wait in the outbox.
 */
export type TurnTask = VisitorTask | ProactiveTask;

/** A turn whose messages wait in the outbox. */
export type ProactiveTask = BranchTask | LaterTask;

interface TaskBase extends TurnRef {
  /** The BullMQ job that runs the turn. */
  jobId: string;
  agentId: string;
}

export interface VisitorTask extends TaskBase {
  kind: 'visitor';
  input: TurnInput;
  /** The newest agent version the gateway knows of: the turn runs this one or a newer one. */
  agentVersion: number;
  /** Epoch ms after which the gateway has answered Webim without this turn. */
  deadline: number;
  /** The gateway's reply channel. */
  replyTo: string;
}

/** A timer's or an incoming request's turn: runs the branch the agent declares for it. */
export interface BranchTask extends TaskBase {
  kind: 'timer' | 'event';
  input: TurnInput;
  /** The timer's or the event's name. */
  name: string;
  data?: Record<string, string>;
}

/** The rest of a branch after a `then: later` step, once its request came back. */
export interface LaterTask extends TaskBase {
  kind: 'later';
  /** The step's kind, `call` or `llm`. */
  name: string;
  later: LaterWork;
}

export function visitorTask(jobId: string, job: TurnJobData): VisitorTask {
  const { channelId, chatId, agentId, agentVersion, turnId, input, deadline, replyTo } = job;
  return {
    kind: 'visitor',
    jobId,
    channelId,
    chatId,
    agentId,
    agentVersion,
    turnId,
    input,
    deadline,
    replyTo,
  };
}

/**
 * A proactive job's turn. Its turn id is the job's, so that a retry, or a run after the job
 * was postponed, takes the same place in the chat's order; the job's timestamp tells apart a
 * new job that reuses the id of one removed long ago.
 */
export function proactiveTask(
  jobId: string,
  jobTimestamp: number,
  job: ProactiveJobData,
): ProactiveTask {
  const { kind, channelId, chatId, agentId, name, data, later } = job;
  const turnId = `p-${createHash('sha1').update(`${jobId}|${jobTimestamp}`).digest('hex').slice(0, 16)}`;
  const base = { jobId, channelId, chatId, agentId, turnId, name };
  if (kind === 'later') {
    if (!later) throw new Error(`Job ${jobId} has no request to make`);
    return { ...base, kind, later };
  }
  const input: TurnInput =
    kind === 'timer' ? { kind: 'timer', name } : { kind: 'event', name, data: data ?? {} };
  return { ...base, kind, data, input };
}
