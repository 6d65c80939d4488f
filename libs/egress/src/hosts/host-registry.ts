import CircuitBreaker from 'opossum';
import type { EgressOutcome } from '../outcome';
import type { BreakerState } from '../egress-metrics';
import { HostSlots } from './host-slots';

export interface BreakerSettings {
  /** Requests in the rolling window before the breaker may open. */
  volumeThreshold: number;
  /** Share of host failures (network errors, timeouts, 5xx) in the window that opens it. */
  errorThresholdPercent: number;
  /** How long it stays open before letting one trial request through (half-open). */
  resetMs: number;
  /** The rolling window the failures are counted over. */
  rollingWindowMs: number;
}

/** What a host's breaker runs: one request, ending in an outcome; a host failure rejects. */
export type HostAction = () => Promise<EgressOutcome>;

/** A host failure, carrying its outcome through opossum, which counts rejections. */
export class HostFailure extends Error {
  constructor(readonly outcome: EgressOutcome) {
    super(outcome.reason);
  }
}

export interface HostEntry {
  breaker: CircuitBreaker<[HostAction], EgressOutcome>;
  slots: HostSlots;
}

/**
 * Each target host's breaker and slots. Hosts come from agents (a wildcard allows many), so the
 * entries are bounded: past `maxHosts` the least recently used one is dropped, and with it its
 * breaker's memory of failures.
 */
export class HostRegistry {
  private readonly entries = new Map<string, HostEntry>();

  constructor(
    private readonly settings: BreakerSettings & { maxHosts: number; perHost: number },
    /** `changed` false: a new breaker, which starts closed. */
    private readonly onState: (host: string, state: BreakerState, changed: boolean) => void,
    private readonly onForget: (host: string) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  for(host: string): HostEntry {
    let entry = this.entries.get(host);
    if (entry) {
      // Map keeps insertion order: moving the entry to the end makes the first the least used.
      this.entries.delete(host);
      this.entries.set(host, entry);
      return entry;
    }
    entry = { breaker: this.createBreaker(host), slots: new HostSlots(this.settings.perHost) };
    this.entries.set(host, entry);
    this.onState(host, 'close', false);
    if (this.entries.size > this.settings.maxHosts) this.dropLeastUsed();
    return entry;
  }

  shutdown(): void {
    for (const entry of this.entries.values()) entry.breaker.shutdown();
    this.entries.clear();
  }

  private createBreaker(host: string): HostEntry['breaker'] {
    const s = this.settings;
    const breaker = new CircuitBreaker<[HostAction], EgressOutcome>((action) => action(), {
      name: host,
      // The request's own timeout bounds it; opossum's would start a second timer per call.
      timeout: false,
      errorThresholdPercentage: s.errorThresholdPercent,
      volumeThreshold: s.volumeThreshold,
      resetTimeout: s.resetMs,
      rollingCountTimeout: s.rollingWindowMs,
      rollingCountBuckets: 10,
    });
    breaker.on('open', () => this.onState(host, 'open', true));
    breaker.on('halfOpen', () => this.onState(host, 'halfOpen', true));
    breaker.on('close', () => this.onState(host, 'close', true));
    return breaker;
  }

  private dropLeastUsed(): void {
    // An entry with requests in flight or waiting is kept: dropping it would lose its bound.
    for (const [host, entry] of this.entries) {
      if (entry.slots.active > 0 || entry.slots.queued > 0) continue;
      entry.breaker.shutdown();
      this.entries.delete(host);
      this.onForget(host);
      return;
    }
  }
}
