import { Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentCache, LoadedAgent } from '@app/catalog';
import { SharedEnv } from '@app/config';
import { StepMetrics } from '@app/metrics';
import { ReplicaAck, ReplicasBehindError } from '@app/redis';
import {
  armedValue,
  checkTimer,
  CommitResult,
  CommitSink,
  ConversationStore,
  Handoff,
  HandoffReason,
  LaterWork,
  ProactiveOutcome,
  ProactiveTurnStatus,
  StepRequestTrace,
  StoredConversation,
  TimerRef,
  timerFields,
  timerOps,
  TranscriptSource,
  TurnJobResult,
} from '@app/conversation';
import { resumeTurn, runTurn, ScenarioError } from '@app/scenario';
import type {
  BotMessage,
  ConversationState,
  IoOutcome,
  IoRequest,
  Suspension,
  TurnEffect,
  TurnResult,
} from '@app/scenario';
import { IoBudget, ScenarioIo } from './io/scenario-io';
import { traceOf } from './io/step-trace';
import { ProactiveScheduler } from './proactive-scheduler.service';
import { BranchTask, LaterTask, ProactiveTask, TurnTask, VisitorTask } from './turn-task';

/**
 * How long a proactive turn holds its chat at a time. It runs in milliseconds, or waits for a
 * call (capped by PROACTIVE_CALL_MAX_MS) or a pause (capped below the lease), renewing its
 * lease every third of it meanwhile.
 */
const PROACTIVE_LEASE_MS = 5000;
/** How long a proactive turn waits for the chat's earlier turns before its job is retried. */
const PROACTIVE_MAX_WAIT_MS = 30_000;
/**
 * How long past its request's limit the rest of a branch after a `then: later` step may still
 * come (its job waited in the queue, or ran again after its worker died). Past it, the
 * conversation stops waiting for it: the visitor's next message starts it again.
 */
const LATER_GRACE_MS = 60_000;
/** How often a timer or an incoming request looks again at a chat awaiting a later request. */
const LATER_POLL_MS = 1000;

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
  /** Set when the turn reached a `then: later` step: the rest of its branch, to queue. */
  later?: LaterWork;
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
    private readonly scheduler: ProactiveScheduler,
    private readonly env: SharedEnv,
    private readonly io: ScenarioIo,
    private readonly steps: StepMetrics,
    @Optional() private readonly replicas: ReplicaAck = new ReplicaAck(0, 0),
  ) {}

  run(task: VisitorTask): Promise<TurnJobResult>;
  run(task: ProactiveTask): Promise<ProactiveOutcome | Postponed>;
  async run(task: TurnTask): Promise<TurnJobResult | ProactiveOutcome | Postponed> {
    const pickedAt = Date.now();
    // A `then: later` request is made before its turn takes a place in the chat, so that the
    // visitor can write meanwhile; what it brings then goes on in the chat's order.
    const requests: StepRequestTrace[] = [];
    const outcome =
      task.kind === 'later'
        ? await this.perform(task, task.later.request, this.ioBudget(task), requests)
        : undefined;
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
    // A branch waiting for its `then: later` request is not over: timers and incoming requests
    // run after it, as they would after any turn still running.
    if (
      (task.kind === 'timer' || task.kind === 'event') &&
      awaitedLater(claim.conversation, Date.now())
    ) {
      return this.postpone(task, Date.now() + LATER_POLL_MS);
    }

    // A proactive turn may wait for a call or a pause: its place in the chat must outlast both.
    const renewal = task.kind === 'visitor' ? null : this.keepLease(task);
    let run: ScenarioRun | Dropped;
    try {
      run = await this.runScenario(task, claim.conversation, outcome, requests);
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
      requests,
      // A timer belongs to a turn that happened: the commit applies it, or nothing.
      timers: timerOps(task, task.agentId, run.effects, Date.now(), fired?.name),
    });
    const queued = committed.status === 'ok' && (await this.queueJobs(task, committed, run.later));
    if (committed.status === 'ok' && this.replicas.enabled) {
      await this.replicated(task, queued);
    }
    return task.kind === 'visitor'
      ? this.answered(task, run, committed, pickedAt, startedAt)
      : this.buffered(task, run, committed);
  }

  /**
   * Adds the jobs a commit leaves: the timers it found unarmed, and the rest of a branch after a
   * `then: later` step. A job that cannot be added is logged, not thrown: the turn has happened
   * (a lost rest of a branch is given up after LATER_GRACE_MS). True when a job was added, on
   * the scheduler's connection, the turn's last write.
   */
  private async queueJobs(
    task: TurnTask,
    committed: CommitResult,
    later: LaterWork | undefined,
  ): Promise<boolean> {
    const added = (what: string, adding: Promise<void>): Promise<boolean> =>
      adding.then(
        () => true,
        (error: Error) => {
          this.logger.error({ ...context(task), err: error.message }, what);
          return false;
        },
      );
    const armed =
      committed.arm.length > 0 &&
      (await added('Could not arm timers', this.scheduler.arm(task, committed.arm)));
    const continued =
      later !== undefined &&
      (await added(
        'Could not queue the rest of the branch',
        this.scheduler.finishLater(task, later),
      ));
    return armed || continued;
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
  private async replicated(task: TurnTask, queued: boolean): Promise<void> {
    const writer = queued ? await this.scheduler.connection() : this.store.client;
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
   * Loads the agent and runs the scenario on the stored conversation (the rest of a branch:
   * from its `then: later` step, with the outcome of its request). A visitor turn that cannot
   * run is handed off with `scenario_error`; a proactive one is dropped.
   */
  private async runScenario(
    task: TurnTask,
    stored: StoredConversation | null,
    outcome: IoOutcome | undefined,
    requests: StepRequestTrace[],
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
    // A result that comes back after the conversation moved on changes nothing.
    if (task.kind === 'later' && awaitedLater(own)?.id !== task.later.id) {
      return {
        drop: 'the conversation moved on before the request came back',
        status: 'superseded',
      };
    }
    let state = own?.state ?? null;
    if (task.kind === 'visitor' && awaitedLater(own) && !awaitedLater(own, Date.now())) {
      this.logger.warn(
        context(task),
        'The rest of a branch after "then: later" never ran; the conversation starts again',
      );
      state = null;
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
    let later: LaterWork | undefined;
    try {
      const opts = { maxSteps: this.env.SCENARIO_MAX_STEPS };
      result =
        task.kind === 'later'
          ? resumeTurn(loaded.agent, laterSuspension(state, task), outcome!, opts)
          : runTurn(loaded.agent, state, task.input, opts);
      if (result.ignored) {
        return { drop: 'the conversation has ended or was handed off', status: 'dropped' };
      }
      // Run, answer the step's request, resume: the interpreter counts the steps of every
      // segment against the limit, and every request ends by the turn's one I/O deadline. A
      // `then: later` step ends the turn: the rest of its branch is a turn of its own.
      const budget = this.ioBudget(task);
      while (result.await) {
        const { request, resume } = result.await;
        if (request.detach) {
          later = { id: task.turnId, request, ...(resume.input && { input: resume.input }) };
          break;
        }
        const answered = await this.perform(task, request, budget, requests);
        result = resumeTurn(loaded.agent, resume, answered, opts);
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
    // The conversation waits for the rest of the branch as long as its request may take.
    const next: ConversationState = later
      ? {
          ...result.state,
          later: {
            id: later.id,
            until: Date.now() + this.env.PROACTIVE_CALL_MAX_MS + LATER_GRACE_MS,
          },
        }
      : result.state;
    return {
      conversation: { agentId: task.agentId, agentVersion: loaded.version, state: next },
      messages: result.messages,
      handoff: result.handoff ? handoffOf(result.handoff.reason) : null,
      effects: result.effects,
      pauseMs: result.pauseMs,
      steps: result.steps,
      ...(later && { later }),
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
  private async perform(
    task: TurnTask,
    request: IoRequest,
    budget: IoBudget,
    requests: StepRequestTrace[],
  ): Promise<IoOutcome> {
    const started = Date.now();
    let outcome: IoOutcome;
    try {
      outcome = await this.io.perform(request, budget);
    } catch (error) {
      outcome = { kind: 'error', message: (error as Error).message };
    }
    const ms = Date.now() - started;
    this.steps.requestEnded(request, outcome, ms / 1000);
    requests.push(traceOf(request, outcome, ms, task.kind === 'later' && requests.length === 0));
    this.logger.debug(
      { ...context(task), step: request.kind, outcome: outcome.kind, ms },
      'Step request answered',
    );
    return outcome;
  }

  /**
   * Gives up a proactive turn's place until `until`; the job waits for it. A timer's job is
   * recorded as the one armed for its timer then.
   */
  private async postpone(task: BranchTask, until: number): Promise<Postponed | ProactiveOutcome> {
    const timer =
      task.kind === 'timer'
        ? { armedField: timerFields(task).armed, armed: armedValue(task.jobId, until) }
        : { armedField: '', armed: '' };
    if ((await this.store.postpone({ ...task, ...timer })) === 'lost') {
      return { status: 'lost' };
    }
    this.logger.debug({ ...context(task), until }, 'Proactive turn postponed');
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
  if (task.kind === 'later') return { source: 'later', step: task.later.request.kind };
  return { source: 'event', name: task.name, data: task.data };
}

/**
 * The `then: later` request the conversation waits for, if any; given `now`, only while it may
 * still come back.
 */
function awaitedLater(
  stored: StoredConversation | null,
  now?: number,
): ConversationState['later'] | undefined {
  const state = stored?.state;
  const later = state?.status === 'awaiting' ? state.later : undefined;
  if (typeof later !== 'object' || later === null || typeof later.id !== 'string') return undefined;
  return now === undefined || Number(later.until) > now ? later : undefined;
}

/** The rest of a branch goes on from its stored state: a turn of its own, steps from zero. */
function laterSuspension(state: ConversationState | null, task: LaterTask): Suspension {
  if (!state) throw new Error('The rest of a branch runs only on a stored conversation');
  const input = task.later.input;
  return { state, steps: 0, messages: [], effects: [], pauseMs: 0, ...(input && { input }) };
}

/** A step's request that failed without a branch hands off under its own reason. */
const IO_HANDOFFS: ReadonlySet<string> = new Set<HandoffReason>([
  'call_failed',
  'call_timeout',
  'llm_failed',
  'llm_timeout',
]);

/** The hand-off the scenario reached: a failed request's reason, or the author's own. */
function handoffOf(reason: string): Handoff {
  return IO_HANDOFFS.has(reason)
    ? { reason: reason as HandoffReason }
    : { reason: 'bot_handoff', detail: reason };
}
