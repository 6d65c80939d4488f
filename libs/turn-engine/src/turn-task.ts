import { createHash } from 'node:crypto';
import type { ProactiveJobData, TurnJobData, TurnRef } from '@app/conversation';
import type { TurnInput } from '@app/scenario';

/**
 * A turn for the executor to run, from its job: a visitor's Webim request, whose answer the
 * gateway waits for, or a timer's or incoming request's, whose messages wait in the outbox.
 */
export type TurnTask = VisitorTask | ProactiveTask;

interface TaskBase extends TurnRef {
  /** The BullMQ job that runs the turn. */
  jobId: string;
  agentId: string;
  input: TurnInput;
}

export interface VisitorTask extends TaskBase {
  kind: 'visitor';
  /** The newest agent version the gateway knows of: the turn runs this one or a newer one. */
  agentVersion: number;
  /** Epoch ms after which the gateway has answered Webim without this turn. */
  deadline: number;
  /** The gateway's reply channel. */
  replyTo: string;
}

export interface ProactiveTask extends TaskBase {
  kind: 'timer' | 'event';
  /** The timer's or the event's name. */
  name: string;
  data?: Record<string, string>;
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
  const { kind, channelId, chatId, agentId, name, data } = job;
  const turnId = `p-${createHash('sha1').update(`${jobId}|${jobTimestamp}`).digest('hex').slice(0, 16)}`;
  const input: TurnInput =
    kind === 'timer' ? { kind: 'timer', name } : { kind: 'event', name, data: data ?? {} };
  return { kind, jobId, channelId, chatId, agentId, turnId, name, data, input };
}
