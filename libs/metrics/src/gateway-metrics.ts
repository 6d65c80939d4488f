import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HandoffReason } from '@app/conversation';

/**
 * Webim waits 5 s. Fine steps where answers normally are (milliseconds), and coarser ones up to
 * the window, so that answers creeping towards REPLY_BUDGET_MS (4 s by default) show.
 */
export const ANSWER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 3.5, 4, 4.5, 5];

/** opossum's state events. */
export type BreakerEvent = 'close' | 'halfOpen' | 'open';

/** Gauge values of `webim_breaker_state`: higher is worse, so `max by (channel)` reads well. */
export const BREAKER_STATE_VALUE: Record<BreakerEvent, number> = { close: 0, halfOpen: 1, open: 2 };
const BREAKER_STATE_LABEL: Record<BreakerEvent, string> = {
  close: 'closed',
  halfOpen: 'half_open',
  open: 'open',
};

/** What the gateway needs of an opossum breaker to follow its state. */
export interface BreakerEvents {
  on(event: BreakerEvent, listener: () => void): unknown;
}

/**
 * The gateway's product metrics: how Webim requests were answered, and how fast, and the state
 * of each channel's breaker. Labels stay bounded: channels are created by admins, reasons are a
 * closed set, and chat ids never become labels.
 */
@Injectable()
export class GatewayMetrics {
  private readonly answerDuration: Histogram<'outcome' | 'reason'>;
  private readonly answers: Counter<'channel' | 'outcome' | 'reason'>;
  private readonly breakerState: Gauge<'channel'>;
  private readonly breakerTransitions: Counter<'channel' | 'to'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.answerDuration = new Histogram({
      name: 'webim_answer_duration_seconds',
      help: 'Time from a Webim request reaching the turn dispatcher to its answer, for requests that went through the breaker (refusals are not timed).',
      labelNames: ['outcome', 'reason'],
      buckets: ANSWER_BUCKETS,
      registers,
    });
    this.answers = new Counter({
      name: 'webim_answers_total',
      help: 'Answers to Webim requests by channel: answered by the bot, or handed off to an operator with the reason.',
      labelNames: ['channel', 'outcome', 'reason'],
      registers,
    });
    this.breakerState = new Gauge({
      name: 'webim_breaker_state',
      help: "State of a channel's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ['channel'],
      registers,
    });
    this.breakerTransitions = new Counter({
      name: 'webim_breaker_transitions_total',
      help: "Changes of a channel's circuit breaker state, by the state entered.",
      labelNames: ['channel', 'to'],
      registers,
    });
  }

  /** A request that went through the breaker: answered (`reason` null) or handed off. */
  recordTurn(channelId: string, reason: HandoffReason | null, seconds: number): void {
    const labels = outcomeLabels(reason);
    this.answerDuration.observe(labels, seconds);
    this.answers.inc({ channel: channelId, ...labels });
  }

  /** A request handed off without a turn: an inactive channel, an event or message v1 skips. */
  recordRefusal(channelId: string, reason: HandoffReason): void {
    this.answers.inc({ channel: channelId, ...outcomeLabels(reason) });
  }

  /** Follows a newly created breaker, which starts closed. */
  watchBreaker(channelId: string, breaker: BreakerEvents): void {
    this.breakerState.set({ channel: channelId }, BREAKER_STATE_VALUE.close);
    for (const event of Object.keys(BREAKER_STATE_VALUE) as BreakerEvent[]) {
      breaker.on(event, () => {
        this.breakerState.set({ channel: channelId }, BREAKER_STATE_VALUE[event]);
        this.breakerTransitions.inc({ channel: channelId, to: BREAKER_STATE_LABEL[event] });
      });
    }
  }
}

export function outcomeLabels(reason: HandoffReason | null): {
  outcome: 'answered' | 'handed_off';
  reason: string;
} {
  return reason === null
    ? { outcome: 'answered', reason: 'none' }
    : { outcome: 'handed_off', reason };
}
