import CircuitBreaker from 'opossum';
import type { GatewayEnv } from '@app/config';
import type { GatewayMetrics } from '@app/metrics';

/**
 * One breaker per channel: a channel whose agent hangs opens its own breaker and hands its own
 * chats off, without taking every other channel down with it. A Redis outage opens them all.
 */
export class TurnBreakers<A, R> {
  private readonly breakers = new Map<string, CircuitBreaker<[A], R>>();

  constructor(
    private readonly env: GatewayEnv,
    private readonly action: (attempt: A) => Promise<R>,
    private readonly fallback: (attempt: A, error: Error) => Promise<R>,
    private readonly onStateChange: (
      channelId: string,
      state: 'open' | 'halfOpen' | 'close',
    ) => void,
    private readonly metrics: Pick<GatewayMetrics, 'watchBreaker'>,
  ) {}

  for(channelId: string): CircuitBreaker<[A], R> {
    let breaker = this.breakers.get(channelId);
    if (!breaker) {
      breaker = new CircuitBreaker<[A], R>(this.action, {
        name: channelId,
        timeout: this.env.REPLY_BUDGET_MS,
        errorThresholdPercentage: this.env.BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: this.env.BREAKER_VOLUME_THRESHOLD,
        resetTimeout: this.env.BREAKER_RESET_MS,
        rollingCountTimeout: this.env.BREAKER_ROLLING_WINDOW_MS,
        rollingCountBuckets: 10,
      });
      breaker.fallback(this.fallback);
      breaker.on('open', () => this.onStateChange(channelId, 'open'));
      breaker.on('halfOpen', () => this.onStateChange(channelId, 'halfOpen'));
      breaker.on('close', () => this.onStateChange(channelId, 'close'));
      this.metrics.watchBreaker(channelId, breaker);
      this.breakers.set(channelId, breaker);
    }
    return breaker;
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }
}
