import type { TurnEffect } from '@app/scenario/model';

// Timers as the turn scripts keep them (see TIMERS in turn-scripts.ts): a due time in the chat's
// hash, moved by every start, and a delayed job armed only when none will look in time. Pure:
// the worker turns a scenario's effects into operations for the commit, and the commit's answer
// into jobs to add.

/** A chat's timer as the hash names it: agent and timer name (agent ids have no ':'). */
export function timerName(agentId: string, name: string): string {
  return `${agentId}:${name}`;
}

/** The hash fields of a timer: when it is due, and the job armed for it (`<jobId>|<dueMs>`). */
export function timerFields(agentId: string, name: string): { due: string; armed: string } {
  const timer = timerName(agentId, name);
  return { due: `timer:${timer}`, armed: `armed:${timer}` };
}

/**
 * The commit's timer operations for a turn's effects, as the JSON the scripts read ('' for
 * none). Only the last effect on each timer counts: a cancel then a start is a restart.
 * `fired` is the timer whose job runs this turn: it is cleared first, so that its branch can
 * start it again.
 */
export function timerOps(
  agentId: string,
  effects: TurnEffect[],
  nowMs: number,
  fired?: string,
): string {
  const last = new Map<string, TurnEffect>();
  for (const effect of effects) last.set(effect.name, effect);
  const ops: [string, string][] = [];
  if (fired !== undefined) ops.push([timerName(agentId, fired), '-1']);
  for (const effect of last.values()) {
    const due = effect.type === 'start_timer' ? String(nowMs + effect.delayMs) : '0';
    ops.push([timerName(agentId, effect.name), due]);
  }
  return ops.length > 0 ? JSON.stringify(ops) : '';
}

/** A timer the commit found without a job that will fire it in time. */
export interface TimerToArm {
  agentId: string;
  name: string;
  dueAt: number;
}

/** The commit's answer (`agent:name|dueMs` each) as timers to arm. */
export function timersToArm(values: string[]): TimerToArm[] {
  return values.map((value) => {
    const colon = value.indexOf(':');
    const bar = value.lastIndexOf('|');
    return {
      agentId: value.slice(0, colon),
      name: value.slice(colon + 1, bar),
      dueAt: Number(value.slice(bar + 1)),
    };
  });
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
