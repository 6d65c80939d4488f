import type { TurnEffect } from '@app/scenario';
import type { ChatRef } from './conversation-keys';
import { timerJobId } from './queues';

// A chat's timers, as the turn protocol keeps them (see lua/includes/apply-timers.lua): a due
// time in the chat's hash, moved by every start, and a delayed job armed only when none will
// look in time. This file is the one place that knows how a timer is written down: its id, its
// hash fields, the value that names its armed job, and the operations a commit applies. Pure:
// the worker turns a scenario's effects into operations, and the commit's answer into jobs.

/** A timer of a chat: an agent's timer by its declared name. */
export interface TimerRef {
  agentId: string;
  name: string;
}

/** A timer and when it is due (epoch ms). */
export interface DueTimer extends TimerRef {
  dueAt: number;
}

/** A timer's id within its chat, as its hash fields and the commit's answers carry it. */
export function timerId({ agentId, name }: TimerRef): string {
  // Agent ids have no ':', so the first one separates; a timer's name may hold anything.
  return `${agentId}:${name}`;
}

function parseTimerId(id: string): TimerRef {
  const colon = id.indexOf(':');
  return { agentId: id.slice(0, colon), name: id.slice(colon + 1) };
}

/** The hash fields of a timer: when it is due, and the job armed for it. */
export function timerFields(timer: TimerRef): { due: string; armed: string } {
  const id = timerId(timer);
  return { due: `timer:${id}`, armed: `armed:${id}` };
}

/**
 * The running timers in a chat's hash (its fields as HGETALL gives them), earliest due first:
 * those started and not yet cancelled or fired.
 */
export function runningTimers(hash: Record<string, string>): DueTimer[] {
  return Object.entries(hash)
    .filter(([field]) => field.startsWith('timer:'))
    .map(([field, due]) => ({ ...parseTimerId(field.slice('timer:'.length)), dueAt: Number(due) }))
    .sort((a, b) => a.dueAt - b.dueAt);
}

/** The value of a timer's `armed` field: the job that will look at it, and when. */
export function armedValue(jobId: string, dueAt: number): string {
  return `${jobId}|${dueAt}`;
}

/** What a commit does to one timer. */
export type TimerOp =
  /** `jobId`: the job to add if none will look at the timer in time. */
  | { timer: TimerRef; action: 'start'; dueAt: number; jobId: string }
  /** Its job, if any, will find nothing to fire. */
  | { timer: TimerRef; action: 'cancel' }
  /** The timer whose job runs this turn: cleared, so that its branch can start it again. */
  | { timer: TimerRef; action: 'fired' };

/**
 * The commit's timer operations for a turn's effects. Only the last effect on each timer
 * counts: a cancel then a start is a restart. `fired` is the timer whose job runs this turn.
 */
export function timerOps(
  chat: ChatRef,
  agentId: string,
  effects: TurnEffect[],
  nowMs: number,
  fired?: string,
): TimerOp[] {
  const last = new Map<string, TurnEffect>();
  for (const effect of effects) last.set(effect.name, effect);
  const ops: TimerOp[] = [];
  if (fired !== undefined) ops.push({ timer: { agentId, name: fired }, action: 'fired' });
  for (const effect of last.values()) {
    const timer = { agentId, name: effect.name };
    ops.push(
      effect.type === 'start_timer'
        ? { timer, action: 'start', ...dueJob(chat, timer, nowMs + effect.delayMs) }
        : { timer, action: 'cancel' },
    );
  }
  return ops;
}

function dueJob(chat: ChatRef, timer: TimerRef, dueAt: number): { dueAt: number; jobId: string } {
  return { dueAt, jobId: timerJobId(chat, { ...timer, dueAt }) };
}

/**
 * The operations as the commit script reads them: [timer id, due ms, job id] to start one,
 * [timer id, 'cancel' | 'fired'] otherwise.
 */
export function encodeTimerOps(ops: TimerOp[]): string {
  if (ops.length === 0) return '';
  return JSON.stringify(
    ops.map((op) =>
      op.action === 'start'
        ? [timerId(op.timer), String(op.dueAt), op.jobId]
        : [timerId(op.timer), op.action],
    ),
  );
}

/** The commit's answer (timer id, due ms, timer id, due ms, ...) as the timers to arm. */
export function decodeTimersToArm(flat: (string | number)[]): DueTimer[] {
  const timers: DueTimer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    timers.push({ ...parseTimerId(String(flat[i])), dueAt: Number(flat[i + 1]) });
  }
  return timers;
}

/**
 * What a timer's job finds when its turn comes (the hash fields read with the claim): fire it,
 * wait until its new due time, or nothing to do because it was cancelled or another job is
 * armed for it.
 */
export type TimerCheck =
  | { action: 'fire' }
  | { action: 'postpone'; dueAt: number }
  | { action: 'skip'; why: 'cancelled' | 'armed_again' };

export function checkTimer(jobId: string, due: string, armed: string, nowMs: number): TimerCheck {
  if (armed.slice(0, armed.lastIndexOf('|')) !== jobId) {
    return { action: 'skip', why: 'armed_again' };
  }
  if (due === '') return { action: 'skip', why: 'cancelled' };
  const dueAt = Number(due);
  return dueAt > nowMs ? { action: 'postpone', dueAt } : { action: 'fire' };
}
