import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentCache } from '@app/catalog';
import { WorkerEnv } from '@app/config';
import {
  checkTimer,
  ConversationStore,
  ProactiveJobData,
  timerFields,
  timerOps,
} from '@app/conversation';
import type { ProactiveOutcome } from '@app/metrics';
import { runTurn, ScenarioError, TurnInput } from '@app/scenario';
import { TimerScheduler } from './timer-scheduler.service';

/** How long a proactive turn holds its chat; it runs in milliseconds (pauses are capped). */
const LEASE_MS = 5000;
/** How long it waits for the chat's earlier turns before giving up (BullMQ then retries it). */
const MAX_WAIT_MS = 30_000;

/**
 * What a run ends with: an outcome the job returns (and the metrics count), or `postponed`:
 * the timer was started again since, and the job must run again at `until`.
 */
export type ProactiveResult = ProactiveOutcome | { status: 'postponed'; until: number };

/** A claimed proactive turn: where it runs, and what it does to its own timer if it ends now. */
interface ClaimedTurn {
  job: ProactiveJobData;
  jobId: string;
  turnId: string;
  /** The timer operations of a turn that runs nothing (clears a timer job's own timer). */
  dropOps: string;
  context: Record<string, string>;
}

/**
 * Runs a timer's or an incoming request's branch under the chat's turn order, and appends what
 * it says to the chat's outbox, for the next Webim answer to carry. A retried job (its worker
 * died) keeps its place and its id, and runs at most once.
 */
@Injectable()
export class ProactiveRunner {
  private readonly logger = new Logger('Proactive');

  constructor(
    private readonly store: ConversationStore,
    private readonly agents: AgentCache,
    private readonly timers: TimerScheduler,
    private readonly env: WorkerEnv,
  ) {}

  async run(jobId: string, jobTimestamp: number, job: ProactiveJobData): Promise<ProactiveResult> {
    const { channelId, chatId } = job;
    const context = { channelId, chatId, jobId, kind: job.kind, name: job.name };
    // One turn id per job: a retry, or a run after a postponement, takes the same place.
    const turnId = `p-${createHash('sha1').update(`${jobId}|${jobTimestamp}`).digest('hex').slice(0, 16)}`;
    const timer = job.kind === 'timer' ? timerFields(job.agentId, job.name) : undefined;
    const claim = await this.store.claimInTurn({
      channelId,
      chatId,
      turnId,
      leaseUntil: () => Date.now() + LEASE_MS,
      until: Date.now() + MAX_WAIT_MS,
      // Renews the turn's place while it waits, so that it is not dropped as abandoned.
      beforeTry: () =>
        this.store.enqueueProactive(channelId, chatId, turnId, Date.now() + LEASE_MS),
      // Read inside the turn, where no commit can move the timer meanwhile.
      fields: timer ? [timer.due, timer.armed] : [],
    });
    if (claim.status === 'timeout') throw new Error('the chat stayed busy; retrying later');
    if (claim.status === 'settled') return { status: 'settled' };
    if (claim.status !== 'ok') return { status: 'lost' };

    const turn: ClaimedTurn = { job, jobId, turnId, dropOps: '', context };
    if (timer) {
      const [due, armed] = claim.values;
      const check = checkTimer(jobId, due, armed, Date.now());
      if (check.action === 'postpone') {
        const value = `${jobId}|${check.dueAt}`;
        const status = await this.store.postpone(channelId, chatId, turnId, timer.armed, value);
        if (status === 'lost') return { status };
        this.logger.debug({ ...context, until: check.dueAt }, 'Timer started again: postponed');
        return { status: 'postponed', until: check.dueAt };
      }
      // Another job armed for this timer owns it; otherwise this job's end is the timer's.
      if (check.action === 'skip' && check.why === 'armed_again')
        return this.drop(turn, 'another job is armed for this timer', 'superseded');
      turn.dropOps = timerOps(job.agentId, [], 0, job.name);
      if (check.action === 'skip') return this.drop(turn, 'the timer was cancelled', 'cancelled');
    }

    const stored = claim.conversation;
    if (!stored || stored.agentId !== job.agentId)
      return this.drop(turn, 'the chat has no conversation with this agent');
    const loaded = await this.agents.get(job.agentId);
    if (!loaded) return this.drop(turn, `agent "${job.agentId}" does not exist`, 'dropped', true);
    const input: TurnInput =
      job.kind === 'timer'
        ? { kind: 'timer', name: job.name }
        : { kind: 'event', name: job.name, data: job.data ?? {} };
    let result;
    try {
      result = runTurn(loaded.agent, stored.state, input, {
        maxSteps: this.env.SCENARIO_MAX_STEPS,
      });
    } catch (error) {
      if (error instanceof ScenarioError)
        return this.drop(turn, `scenario error: ${error.message}`, 'dropped', true);
      throw error;
    }
    if (result.ignored) return this.drop(turn, 'the conversation has ended or was handed off');

    // A pause in a proactive branch spaces its messages from what came before; it must end
    // well inside the turn's lease.
    if (result.pauseMs > 0) await sleep(Math.min(result.pauseMs, LEASE_MS - 1000));
    const committed = await this.store.commitProactive({
      channelId,
      chatId,
      turnId,
      conversation: { agentId: job.agentId, agentVersion: loaded.version, state: result.state },
      messages: result.messages,
      outboxMax: this.env.OUTBOX_MAX,
      origin:
        job.kind === 'timer'
          ? { source: 'timer', name: job.name }
          : { source: 'event', name: job.name, data: job.data },
      // The fired timer is cleared first, so that its branch can start it again.
      timerOps: timerOps(job.agentId, result.effects, Date.now(), timer ? job.name : undefined),
    });
    if (committed.status !== 'ok') return { status: committed.status };
    if (committed.dropped > 0) {
      this.logger.warn(
        { ...context, dropped: committed.dropped },
        'Outbox full: dropped the oldest messages',
      );
    }
    await this.timers.arm({ channelId, chatId }, committed.arm);
    this.logger.log(
      { ...context, messages: result.messages.length },
      'Proactive turn buffered its messages',
    );
    return { status: 'delivered', messages: result.messages.length, dropped: committed.dropped };
  }

  /** Ends the turn without running it. A scenario error is marked in the job's result. */
  private async drop(
    turn: ClaimedTurn,
    why: string,
    status: 'dropped' | 'cancelled' | 'superseded' = 'dropped',
    scenarioError = false,
  ): Promise<ProactiveResult> {
    await this.store.commitProactive({
      channelId: turn.job.channelId,
      chatId: turn.job.chatId,
      turnId: turn.turnId,
      conversation: null,
      messages: [],
      outboxMax: this.env.OUTBOX_MAX,
      timerOps: turn.dropOps,
    });
    // A cancelled timer is routine (most reminders are); only real drops are worth a line.
    if (status === 'dropped') this.logger.log({ ...turn.context, why }, 'Proactive turn dropped');
    else this.logger.debug({ ...turn.context, why }, 'Timer job found nothing to fire');
    return { status, ...(scenarioError && { scenarioError }) };
  }
}
