import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { GatewayMetrics, outcomeLabels } from './gateway-metrics';
import { sample } from './spec-helpers';

describe('GatewayMetrics', () => {
  let registry: Registry;
  let metrics: GatewayMetrics;
  beforeEach(() => {
    registry = new Registry();
    metrics = new GatewayMetrics(registry);
  });

  it('labels an answer "answered"/"none" and a hand-off with its reason', () => {
    expect(outcomeLabels(null)).toEqual({ outcome: 'answered', reason: 'none' });
    expect(outcomeLabels('timeout')).toEqual({ outcome: 'handed_off', reason: 'timeout' });
  });

  it('times turns by outcome and counts them by channel', async () => {
    metrics.recordTurn('shop', null, 0.012);
    metrics.recordTurn('shop', 'timeout', 4.01);
    metrics.recordTurn('demo', 'timeout', 4.02);

    const timeout = { outcome: 'handed_off', reason: 'timeout' };
    expect(await sample(registry, 'webim_answer_duration_seconds_count', timeout)).toBe(2);
    expect(
      await sample(registry, 'webim_answer_duration_seconds_bucket', { ...timeout, le: 4 }),
    ).toBe(0);
    expect(
      await sample(registry, 'webim_answer_duration_seconds_bucket', { ...timeout, le: 4.5 }),
    ).toBe(2);
    expect(
      await sample(registry, 'webim_answer_duration_seconds_bucket', {
        outcome: 'answered',
        reason: 'none',
        le: 0.025,
      }),
    ).toBe(1);
    expect(await sample(registry, 'webim_answers_total', { channel: 'shop', ...timeout })).toBe(1);
    expect(await sample(registry, 'webim_answers_total', { channel: 'demo', ...timeout })).toBe(1);
  });

  it('counts a refusal as a hand-off without timing it', async () => {
    metrics.recordRefusal('shop', 'channel_inactive');
    const labels = { outcome: 'handed_off', reason: 'channel_inactive' };
    expect(await sample(registry, 'webim_answers_total', { channel: 'shop', ...labels })).toBe(1);
    expect(await sample(registry, 'webim_answer_duration_seconds_count', labels)).toBeUndefined();
  });

  it("follows a breaker's state and counts its transitions", async () => {
    const breaker = new EventEmitter();
    metrics.watchBreaker('shop', breaker);
    const state = () => sample(registry, 'webim_breaker_state', { channel: 'shop' });
    expect(await state()).toBe(0);

    breaker.emit('open');
    expect(await state()).toBe(2);
    breaker.emit('halfOpen');
    expect(await state()).toBe(1);
    breaker.emit('open');
    breaker.emit('halfOpen');
    breaker.emit('close');
    expect(await state()).toBe(0);

    const transitions = (to: string) =>
      sample(registry, 'webim_breaker_transitions_total', { channel: 'shop', to });
    expect(await transitions('open')).toBe(2);
    expect(await transitions('half_open')).toBe(2);
    expect(await transitions('closed')).toBe(1);
  });
});
