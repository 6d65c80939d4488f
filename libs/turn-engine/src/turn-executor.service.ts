import { Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentCache, LoadedAgent } from '@app/catalog';
import { SharedEnv } from '@app/config';
import { ReplicaAck, ReplicasBehindError } from '@app/redis';
import {
  armedValue,
  checkTimer,
  CommitResult,
  CommitSink,
  ConversationStore,
  Handoff,
  ProactiveOutcome,
  ProactiveTurnStatus,
  StoredConversation,
  TimerRef,
  timerFields,
  timerOps,
  TranscriptSource,
  TurnJobResult,
} from '@app/conversation';
import { resumeTurn, runTurn, ScenarioError } from '@app/scenario';
import type { BotMessage, IoOutcome, IoRequest, TurnEffect, TurnResult } from '@app/scenario';
import { IoBudget, ScenarioIo } from './io/scenario-io';
import { TimerScheduler } from './timer-scheduler.service';
import { ProactiveTask, TurnTask, VisitorTask } from './turn-task';

/**
 * How long a proactive turn holds its chat at a time. It runs in milliseconds, or waits for a
 * call (capped by PROACTIVE_CALL_MAX_MS) or a pause (capped below the lease), renewing its
 * lease every third of it meanwhile.
 */
const PROACTIVE_LEASE_MS = 5000;
/** How long a proactive turn waits for the chat's earlier turns before its job is retried. */
const PROACTIVE_MAX_WAIT_MS = 30_000;

/** A timer's job that must run again at `until`: the timer was started again since. */
export interface Postponed {
  status: 'postponed';
  until: number;
}

/** What the scenario made of the turn, ready to commit. */
interface ScenarioRun {
  conversation: StoredConversation | null;
  messages: BotMessage[];
  handoff: Handoff | null;
  effects: TurnEffect[];
  pauseMs: number;
  steps: number;
}

/** A proactive turn that ends without running: why, and how its job reports it. */
interface Dropped {
  drop: string;
  status: Extract<ProactiveTurnStatus, 'dropped' | 'cancelled' | 'superseded'>;
  scenarioError?: boolean;
}

/** How long a claimed turn may hold its chat, and how long it may wait for it. */
interface Hold {
  leaseUntil: () => number;
  until: number;
  beforeTry?: () => Promise<void>;
  /** The longest pause the turn can still afford before it commits. */
  pauseLimit: () => number;
}

/**
 * Runs every kind of turn the same way: claim its place in the chat's order, load the agent,
 * run the scenario, commit, arm the timers it started. What differs is where its messages go
 * (the sink: the answer the gateway waits for, or the chat's outbox) and how long it may hold
 * the chat. Never starts a visitor turn whose deadline has passed; a proactive job that is
 * retried (its worker died) keeps its place and commits at most once.
 */
@Injectable()
export class TurnExecutor {
  private readonly logger = new Logger(TurnExecutor.name);

  constructor(
    private readonly store: ConversationStore,
    private readonly agents: AgentCache,
    private readonly timers: TimerScheduler,
    private readonly env: SharedEnv,
    private readonly io: ScenarioIo,
    @Optional() private readonly replicas: ReplicaAck = new ReplicaAck(0, 0),
  ) {}

  run(task: VisitorTask): Promise<TurnJobResult>;
  run(task: ProactiveTask): Promise<ProactiveOutcome | Postponed>;
  async run(task: TurnTask): Promise<TurnJobResult | ProactiveOutcome | Postponed> {
    const pickedAt = Date.now();
    const hold = this.hold(task);
    if (!hold) return { status: 'expired' };
    const timer = task.kind === 'timer' ? timerFields(task) : undefined;
    const claim = await this.store.claimInTurn({
      ...task,
      ...hold,
      // Read inside the turn, where no commit can move the timer meanwhile.
      fields: timer ? [timer.due, timer.armed] : [],
    });
    if (claim.status === 'timeout') {
      if (task.kind === 'visitor') return { status: 'expired' };
      throw new Error('the chat stayed busy; retrying later');
    }
    if (claim.status !== 'ok') {
      if (task.kind === 'visitor') return { status: claim.status };
      return { status: claim.status === 'settled' ? 'settled' : 'lost' };
    }
    const startedAt = Date.now();

    let fired: TimerRef | undefined;
    if (task.kind === 'timer') {
      const [due, armed] = claim.values;
      const check = checkTimer(task.jobId, due, armed, Date.now());
      if (check.action === 'postpone') return this.postpone(task, check.dueAt);
      // Another job armed for this timer owns it; otherwise this job's end is the timer's.
      if (check.action === 'skip' && check.why === 'armed_again') {
        return this.drop(task, { drop: 'another job is armed for it', status: 'superseded' });
      }
      fired = task;
      if (check.action === 'skip') {
        return this.drop(task, { drop: 'the timer was cancelled', status: 'cancelled' }, fired);
      }
    }

    // A proactive turn may wait for a call or a pause: its place in the chat must outlast both.
    const renewal = task.kind === 'visitor' ? null : this.keepLease(task);
    let run: ScenarioRun | Dropped;
    try {
      run = await this.runScenario(task, claim.conversation);
      if (!('drop' in run) && run.pauseMs > 0) {
        await sleep(Math.max(0, Math.min(run.pauseMs, hold.pauseLimit())));
      }
    } finally {
      await renewal?.stop();
    }
    if ('drop' in run) {
      if (task.kind === 'visitor') throw new Error('A visitor turn is never dropped');
      return this.drop(task, run, fired);
    }
    const committed = await this.store.commit({
      ...task,
      conversation: run.conversation,
      messages: run.messages,
      sink: this.sink(task, run.handoff),
      origin: origin(task),
      // A timer belongs to a turn that happened: the commit applies it, or nothing.
      timers: timerOps(task, task.agentId, run.effects, Date.now(), fired?.name),
    });
    const armed =
      committed.status === 'ok' &&
      committed.arm.length > 0 &&
      (await this.timers.arm(task, committed.arm).then(
        () => true,
        (error: Error) => {
          this.logger.error({ ...context(task), err: error.message }, 'Could not arm timers');
          return false;
        },
      ));
    if (committed.status === 'ok' && this.replicas.enabled) {
      await this.replicated(task, armed);
    }
    return task.kind === 'visitor'
      ? this.answered(task, run, committed, pickedAt, startedAt)
      : this.buffered(task, run, committed);
  }

  /**
   * With REDIS_MIN_REPLICAS_ACK, what a turn committed counts only once the replicas have it
   * (WAIT on the connection of its last write). A proactive job fails otherwise, and runs again:
   * its commit is written again on whichever master has lost it. A visitor turn's answer is
   * published only then: a master that dies first takes with it an answer nobody saw, and the
   * gateway answers at its budget with what the new master holds (a hand-off, unless the turn
   * reached it). Replicas merely slow (the wait times out) do not cost the visitor the answer:
   * it goes out all the same, with a warning.
   */
  private async replicated(task: TurnTask, armed: boolean): Promise<void> {
    const writer = armed ? await this.timers.connection() : this.store.client;
    if (task.kind !== 'visitor') {
      await this.replicas.confirm(writer);
      return;
    }
    try {
      await this.replicas.confirm(writer);
    } catch (error) {
      if (!(error instanceof ReplicasBehindError)) throw error;
      this.logger.warn(
        { ...context(task), err: error.message },
        'Answering before the replicas have the turn',
      );
    }
    await this.store.publish(task);
  }

  /** How long the turn may hold its chat; none for a visitor turn past its deadline. */
  private hold(task: TurnTask): Hold | null {
    if (task.kind === 'visitor') {
      if (Date.now() > task.deadline) return null;
      // Past the deadline the gateway has answered Webim: the grace only lets a turn end tidily.
      const leaseUntil = task.deadline + this.env.TURN_GRACE_MS;
      return {
        leaseUntil: () => leaseUntil,
        until: task.deadline,
        pauseLimit: () => leaseUntil - Date.now(),
      };
    }
    return {
      leaseUntil: () => Date.now() + PROACTIVE_LEASE_MS,
      until: Date.now() + PROACTIVE_MAX_WAIT_MS,
      // Renews the turn's place while it waits, so that it is not dropped as abandoned.
      beforeTry: () => this.store.join({ ...task, leaseUntil: Date.now() + PROACTIVE_LEASE_MS }),
      // A pause spaces a proactive branch's messages; it must end well inside the lease.
      pauseLimit: () => PROACTIVE_LEASE_MS - 1000,
    };
  }

  /**
   * Renews a claimed proactive turn's lease while it runs, through the claim itself: it renews
   * only a turn still at the head of its chat, never puts back one dropped meanwhile (whose
   * commit then finds it lost).
   */
  private keepLease(task: ProactiveTask): { stop: () => Promise<void> } {
    let renewing: Promise<void> = Promise.resolve();
    const renew = () => {
      renewing = this.store
        .claim({ ...task, leaseUntil: Date.now() + PROACTIVE_LEASE_MS })
        .then((claim) => {
          if (claim.status !== 'ok') {
            this.logger.warn(
              { ...context(task), status: claim.status },
              'Proactive turn lost its chat while it ran',
            );
          }
        })
        .catch((error: Error) =>
          this.logger.warn({ ...context(task), err: error.message }, 'Could not renew the lease'),
        );
    };
    const timer = setInterval(renew, Math.floor(PROACTIVE_LEASE_MS / 3));
    timer.unref();
    // The commit waits for a renewal in flight, which would otherwise land after it.
    return {
      stop: () => {
        clearInterval(timer);
        return renewing;
      },
    };
  }

  private sink(task: TurnTask, handoff: Handoff | null): CommitSink {
    if (task.kind === 'visitor') {
      const { replyTo, jobId } = task;
      return {
        kind: 'reply',
        handoff,
        replyTo,
        jobId,
        ...(this.replicas.enabled && { publishLater: true }),
      };
    }
    return { kind: 'outbox', outboxMax: this.env.OUTBOX_MAX };
  }

  /**
   * Loads the agent and runs the scenario on the stored conversation. A visitor turn that
   * cannot run is handed off with `scenario_error`; a proactive one is dropped.
   */
  private async runScenario(
    task: TurnTask,
    stored: StoredConversation | null,
  ): Promise<ScenarioRun | Dropped> {
    const failed = (detail: string): ScenarioRun | Dropped => {
      if (task.kind !== 'visitor') {
        return { drop: `scenario error: ${detail}`, status: 'dropped', scenarioError: true };
      }
      this.logger.warn({ ...context(task), detail }, 'Scenario error; handing the chat off');
      const handoff = { reason: 'scenario_error' as const, detail };
      return { conversation: null, messages: [], handoff, effects: [], pauseMs: 0, steps: 0 };
    };
    // A conversation of another agent (the channel was switched) starts afresh on a visitor's
    // turn; a timer or an event has nothing to run in it.
    const own = stored?.agentId === task.agentId ? stored : null;
    if (task.kind !== 'visitor' && !own) {
      return { drop: 'the chat has no conversation with this agent', status: 'dropped' };
    }

    let loaded: LoadedAgent | null;
    try {
      loaded = await this.agents.get(task.agentId, task.kind === 'visitor' ? task.agentVersion : 0);
    } catch (error) {
      // A proactive job is retried; a visitor cannot wait for that.
      if (task.kind !== 'visitor') throw error;
      return failed(`agent could not be loaded: ${(error as Error).message}`);
    }
    if (!loaded) return failed(`agent "${task.agentId}" does not exist`);
    if (own && own.agentVersion !== loaded.version) {
      this.logger.log(
        { ...context(task), from: own.agentVersion, to: loaded.version },
        'Conversation moves to the new agent version',
      );
    }

    let result: TurnResult;
    try {
      const opts = { maxSteps: this.env.SCENARIO_MAX_STEPS };
      result = runTurn(loaded.agent, own?.state ?? null, task.input, opts);
      if (result.ignored) {
        return { drop: 'the conversation has ended or was handed off', status: 'dropped' };
      }
      // Run, answer the step's request, resume: the interpreter counts the steps of every
      // segment against the limit, and every request ends by the turn's one I/O deadline.
      const budget = this.ioBudget(task);
      while (result.await) {
        const { request, resume } = result.await;
        if (request.detach) return this.unsupportedIo(task, request.kind, result.steps);
        const outcome = await this.perform(task, request, budget);
        result = resumeTurn(loaded.agent, resume, outcome, opts);
      }
    } catch (error) {
      if (error instanceof ScenarioError) return failed(error.message);
      throw error;
    }
    if (result.restarted) {
      this.logger.warn(
        { ...context(task), from: result.restarted.from, version: loaded.version },
        'Conversation restarted at the start branch: its position is gone from the new agent version',
      );
    }
    return {
      conversation: { agentId: task.agentId, agentVersion: loaded.version, state: result.state },
      messages: result.messages,
      handoff: result.handoff ? { reason: 'bot_handoff', detail: result.handoff.reason } : null,
      effects: result.effects,
      pauseMs: result.pauseMs,
      steps: result.steps,
    };
  }

  /**
   * When the turn's requests must be over. A visitor turn's end by its deadline (egress keeps
   * its margin for the commit back); a timer's or an event's, together, within
   * PROACTIVE_CALL_MAX_MS of the first, since the chat waits for them.
   */
  private ioBudget(task: TurnTask): IoBudget {
    return {
      deadline:
        task.kind === 'visitor' ? task.deadline : Date.now() + this.env.PROACTIVE_CALL_MAX_MS,
    };
  }

  /**
   * Makes a step's request under the turn's budget, within the author's timeout. The port
   * answers failures as outcomes; an exception from it is one more failure of the request.
   */
  private async perform(task: TurnTask, request: IoRequest, budget: IoBudget): Promise<IoOutcome> {
    const started = Date.now();
    let outcome: IoOutcome;
    try {
      outcome = await this.io.perform(request, budget);
    } catch (error) {
      outcome = { kind: 'error', message: (error as Error).message };
    }
    this.logger.debug(
      { ...context(task), step: request.kind, outcome: outcome.kind, ms: Date.now() - started },
      'Step request answered',
    );
    return outcome;
  }

  /**
   * `then: later` (answer now, finish the turn later) is not run yet: a turn that reaches such
   * a step ends as that request's failure would without a branch of its own, and the
   * conversation stays where it was before the turn.
   */
  private unsupportedIo(
    task: TurnTask,
    kind: 'call' | 'llm',
    steps: number,
  ): ScenarioRun | Dropped {
    const detail = `${kind}_failed`;
    this.logger.warn(
      { ...context(task), step: kind },
      'The scenario reached a step with "then: later", which is not run yet; treated as failed',
    );
    if (task.kind !== 'visitor')
      return { drop: `${kind} steps with "then: later" are not run yet`, status: 'dropped' };
    const handoff = { reason: 'bot_handoff' as const, detail };
    return { conversation: null, messages: [], handoff, effects: [], pauseMs: 0, steps };
  }

  /** Gives up a timer turn's place until its timer's new due time; the job waits for it. */
  private async postpone(
    task: ProactiveTask,
    until: number,
  ): Promise<Postponed | ProactiveOutcome> {
    const armedField = timerFields(task).armed;
    const armed = armedValue(task.jobId, until);
    if ((await this.store.postpone({ ...task, armedField, armed })) === 'lost') {
      return { status: 'lost' };
    }
    this.logger.debug({ ...context(task), until }, 'Timer started again: postponed');
    return { status: 'postponed', until };
  }

  /** Ends a proactive turn without running it; a timer job's own timer is cleared. */
  private async drop(
    task: ProactiveTask,
    dropped: Dropped,
    fired?: TimerRef,
  ): Promise<ProactiveOutcome> {
    await this.store.commit({
      ...task,
      conversation: null,
      messages: [],
      sink: this.sink(task, null),
      origin: null,
      timers: fired ? [{ timer: fired, action: 'fired' }] : [],
    });
    const { status, scenarioError } = dropped;
    // A cancelled timer is routine (most reminders are); only real drops are worth a line.
    if (status === 'dropped')
      this.logger.log({ ...context(task), why: dropped.drop }, 'Proactive turn dropped');
    else
      this.logger.debug({ ...context(task), why: dropped.drop }, 'Timer job found nothing to fire');
    return { status, ...(scenarioError && { scenarioError }) };
  }

  private answered(
    task: VisitorTask,
    run: ScenarioRun,
    committed: CommitResult,
    pickedAt: number,
    startedAt: number,
  ): TurnJobResult {
    if (committed.status !== 'ok') {
      this.logger.warn(
        { ...context(task), status: committed.status },
        'Turn finished after the gateway handed the chat off; its result was discarded',
      );
    }
    return {
      status:
        committed.status === 'ok' ? 'answered' : committed.status === 'settled' ? 'late' : 'lost',
      handoff: run.handoff?.reason,
      steps: run.steps,
      waitedMs: startedAt - pickedAt,
      ranMs: Date.now() - startedAt,
      delivered: committed.delivered,
    };
  }

  private buffered(
    task: ProactiveTask,
    run: ScenarioRun,
    committed: CommitResult,
  ): ProactiveOutcome {
    if (committed.status !== 'ok') return { status: committed.status };
    if (committed.dropped > 0) {
      this.logger.warn(
        { ...context(task), dropped: committed.dropped },
        'Outbox full: dropped the oldest messages',
      );
    }
    this.logger.log(
      { ...context(task), messages: run.messages.length },
      'Proactive turn buffered its messages',
    );
    return { status: 'delivered', messages: run.messages.length, dropped: committed.dropped };
  }
}

/** The ids a turn's log lines carry. */
function context(task: TurnTask): Record<string, string> {
  const ids = { channelId: task.channelId, chatId: task.chatId, jobId: task.jobId };
  return task.kind === 'visitor'
    ? { ...ids, agentId: task.agentId }
    : { ...ids, kind: task.kind, name: task.name };
}

/** Where the turn came from, for its transcript entry. */
function origin(task: TurnTask): TranscriptSource {
  if (task.kind === 'visitor') return { source: 'webim', input: task.input };
  if (task.kind === 'timer') return { source: 'timer', name: task.name };
  return { source: 'event', name: task.name, data: task.data };
}
