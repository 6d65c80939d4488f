import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EgressOutcomeKind } from './outcome';

/** Backends answer in milliseconds to seconds; a turn has at most a few seconds for a call. */
export const EGRESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 10, 30];

/** Same values as webim_breaker_state: 0 closed, 1 half-open, 2 open. */
const BREAKER_STATE = { close: 0, halfOpen: 1, open: 2 } as const;
export type BreakerState = keyof typeof BREAKER_STATE;

/**
 * Outbound requests by target host. The host label is bounded by EGRESS_ALLOWED_HOSTS (a
 * refused host is labelled `refused`), and paths and queries never become labels.
 */
export class EgressMetrics {
  private readonly duration: Histogram<'host'>;
  private readonly outcomes: Counter<'host' | 'outcome'>;
  private readonly breakerState: Gauge<'host'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.duration = new Histogram({
      name: 'webim_egress_duration_seconds',
      help: 'Time of outbound requests that were sent, from the call to its outcome, by target host.',
      labelNames: ['host'],
      buckets: EGRESS_BUCKETS,
      registers,
    });
    this.outcomes = new Counter({
      name: 'webim_egress_requests_total',
      help: 'Outbound requests by target host and outcome: ok, http_error, network_error, bad_body, timeout, refused, breaker_open.',
      labelNames: ['host', 'outcome'],
      registers,
    });
    this.breakerState = new Gauge({
      name: 'webim_egress_breaker_state',
      help: "State of a target host's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ['host'],
      registers,
    });
  }

  /** `seconds` null: nothing was sent (refused, breaker open, no time left), so nothing timed. */
  record(host: string, outcome: EgressOutcomeKind, seconds: number | null): void {
    this.outcomes.inc({ host, outcome });
    if (seconds !== null) this.duration.observe({ host }, seconds);
  }

  breaker(host: string, state: BreakerState): void {
    this.breakerState.set({ host }, BREAKER_STATE[state]);
  }

  /** A host's breaker was dropped to make room: its state series goes with it. */
  forgetBreaker(host: string): void {
    this.breakerState.remove({ host });
  }
}
