import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { withDeprecatedNames } from './deprecated-names';
import type {
  ProactiveJobData,
  ProactiveOutcome,
  ProactiveTurnStatus,
  TurnJobResult,
  VisitorTurnStatus,
} from '@app/conversation';

/**
 * Turns wait and run for milliseconds; proactive turns may wait out a busy chat or a retry's
 * backoff for seconds (up to 30 s).
 */
export const JOB_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** `status` of webim_turns_total: the job's result, `failed` when it threw. */
type TurnLabel = VisitorTurnStatus | 'failed';

/**
 * `status` of webim_timers_fired_total and webim_incoming_events_total. A job's "delivered"
 * means delivered to the outbox; on a dashboard it would read as delivered to the visitor,
 * which happens later (webim_buffered_messages_total{event="delivered"}): `buffered` here.
 */
type ProactiveLabel = Exclude<ProactiveTurnStatus, 'delivered'> | 'buffered' | 'failed';

/** A BullMQ job's timestamps (epoch ms), as `Job` has them. */
export interface JobTiming {
  /** When it was added (the producer's clock). */
  timestamp: number;
  /** How long it was delayed when added: a timer's due time is `timestamp + delay`. */
  delay?: number;
  /** When this attempt started (the worker's clock). */
  processedOn?: number;
  finishedOn?: number;
}

/** Seconds a job waited in the queue since it was due; undefined without the timestamps. */
export function jobWaitSeconds(job: JobTiming): number | undefined {
  if (!job.processedOn) return undefined;
  // Across hosts the clocks differ by a little: never report a negative wait.
  return Math.max(0, job.processedOn - job.timestamp - (job.delay ?? 0)) / 1000;
}

/**
 * Seconds a job's attempt ran, until now if it has no end: BullMQ sets `finishedOn` only when a
 * job is done for good, not on a failed attempt that is retried.
 */
export function jobRunSeconds(job: JobTiming, now = Date.now()): number | undefined {
  if (!job.processedOn) return undefined;
  return Math.max(0, (job.finishedOn || now) - job.processedOn) / 1000;
}

/**
 * The worker's metrics, fed from its BullMQ workers' job events: queue latency, what turns,
 * timers and incoming requests came to, and the per-chat buffer of proactive messages.
 */
@Injectable()
export class WorkerMetrics {
  // Each under its name and its deprecated one (see deprecated-names.ts).
  private readonly jobWait: Histogram<'queue'>[];
  private readonly jobRun: Histogram<'queue' | 'status'>[];
  private readonly jobStalls: Counter<'queue'>[];
  private readonly turns: Counter<'status'>;
  private readonly timersFired: Counter<'status'>;
  private readonly incomingEvents: Counter<'status'>;
  private readonly laterTurns: Counter<'status'>;
  private readonly buffered: Counter<'event'>;
  private readonly scenarioErrors: Counter<'channel' | 'kind'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.jobWait = withDeprecatedNames(
      'webim_job_wait_seconds',
      'Time a job waited in its queue, from being added (or due, for a delayed job) to a worker taking it.',
      (name, help) =>
        new Histogram({ name, help, labelNames: ['queue'], buckets: JOB_BUCKETS, registers }),
    );
    this.jobRun = withDeprecatedNames(
      'webim_job_run_seconds',
      'Time a worker spent on a job attempt, by how it ended (completed or failed).',
      (name, help) =>
        new Histogram({
          name,
          help,
          labelNames: ['queue', 'status'],
          buckets: JOB_BUCKETS,
          registers,
        }),
    );
    this.jobStalls = withDeprecatedNames(
      'webim_job_stalls_total',
      'Jobs this worker found without their worker (killed, or blocked past WORKER_LOCK_MS) and put back to run again; past WORKER_MAX_STALLS such a job fails.',
      (name, help) => new Counter({ name, help, labelNames: ['queue'], registers }),
    );
    this.turns = new Counter({
      name: 'webim_turns_total',
      help: 'Turn jobs of Webim requests by result: answered, expired, settled, late, lost, gone, failed.',
      labelNames: ['status'],
      registers,
    });
    this.timersFired = new Counter({
      name: 'webim_timers_fired_total',
      help: 'Timer jobs that ran, by result: buffered, dropped, cancelled (the timer was cancelled), superseded (another job fires it), settled, lost, failed (an attempt that is retried).',
      labelNames: ['status'],
      registers,
    });
    this.incomingEvents = new Counter({
      name: 'webim_incoming_events_total',
      help: 'Incoming requests run, by result: buffered, dropped, settled, lost, failed (an attempt that is retried).',
      labelNames: ['status'],
      registers,
    });
    this.laterTurns = new Counter({
      name: 'webim_later_turns_total',
      help: 'Rests of branches run after the request of their `then: later` step came back, by result: buffered, dropped, superseded (the conversation moved on meanwhile), settled, lost, failed (an attempt that is retried).',
      labelNames: ['status'],
      registers,
    });
    this.buffered = new Counter({
      name: 'webim_buffered_messages_total',
      help: "Messages of timers and incoming requests in chats' outboxes: appended, delivered with an answer, or dropped when an outbox was full.",
      labelNames: ['event'],
      registers,
    });
    this.scenarioErrors = new Counter({
      name: 'webim_scenario_errors_total',
      help: 'Turns whose agent was missing or broken, or looped past SCENARIO_MAX_STEPS, by channel and turn kind (turn, timer, event, later).',
      labelNames: ['channel', 'kind'],
      registers,
    });
    // Known label values start at 0, so that rate() sees the first increment.
    for (const event of ['appended', 'delivered', 'dropped']) this.buffered.inc({ event }, 0);
  }

  /** Starts the queue's series at 0, so that rate() sees their first increment. */
  queueWatched(queue: string): void {
    for (const counter of this.jobStalls) counter.inc({ queue }, 0);
  }

  /** A job of `queue` that lost its worker, found by this worker's stalled-job check. */
  jobStalled(queue: string): void {
    for (const counter of this.jobStalls) counter.inc({ queue });
  }

  jobStarted(queue: string, job: JobTiming): void {
    const seconds = jobWaitSeconds(job);
    if (seconds === undefined) return;
    for (const histogram of this.jobWait) histogram.observe({ queue }, seconds);
  }

  jobFinished(queue: string, job: JobTiming, status: 'completed' | 'failed'): void {
    const seconds = jobRunSeconds(job);
    if (seconds === undefined) return;
    for (const histogram of this.jobRun) histogram.observe({ queue, status }, seconds);
  }

  /** A turn job's result, or null when it threw. */
  turnFinished(channelId: string, result: TurnJobResult | null): void {
    const status: TurnLabel = result?.status ?? 'failed';
    this.turns.inc({ status });
    if (result?.handoff === 'scenario_error') {
      this.scenarioErrors.inc({ channel: channelId, kind: 'turn' });
    }
    if (result?.delivered) this.buffered.inc({ event: 'delivered' }, result.delivered);
  }

  /** A timer's or incoming request's result, or null when the attempt threw. */
  proactiveFinished(
    job: Pick<ProactiveJobData, 'kind' | 'channelId'>,
    result: ProactiveOutcome | null,
  ): void {
    const status: ProactiveLabel = !result
      ? 'failed'
      : result.status === 'delivered'
        ? 'buffered'
        : result.status;
    const counter = { timer: this.timersFired, event: this.incomingEvents, later: this.laterTurns };
    counter[job.kind].inc({ status });
    if (result?.scenarioError) this.scenarioErrors.inc({ channel: job.channelId, kind: job.kind });
    if (result?.messages) this.buffered.inc({ event: 'appended' }, result.messages);
    if (result?.dropped) this.buffered.inc({ event: 'dropped' }, result.dropped);
  }
}
