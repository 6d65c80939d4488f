import { Registry } from 'prom-client';
import { sample } from './spec-helpers';
import { jobRunSeconds, jobWaitSeconds, WorkerMetrics } from './worker-metrics';

describe('job timings', () => {
  it('measures the wait from when a job was added, or due when delayed', () => {
    expect(jobWaitSeconds({ timestamp: 1000, processedOn: 1250 })).toBe(0.25);
    expect(jobWaitSeconds({ timestamp: 1000, delay: 30_000, processedOn: 31_005 })).toBe(0.005);
    expect(jobWaitSeconds({ timestamp: 1000 })).toBeUndefined();
  });

  it('never reports a negative wait when the hosts clocks differ', () => {
    expect(jobWaitSeconds({ timestamp: 1000, processedOn: 990 })).toBe(0);
  });

  it('measures a run until it finished, or until now for a failed attempt to be retried', () => {
    expect(jobRunSeconds({ timestamp: 0, processedOn: 1000, finishedOn: 1040 })).toBe(0.04);
    expect(jobRunSeconds({ timestamp: 0, processedOn: 1000 }, 1500)).toBe(0.5);
    expect(jobRunSeconds({ timestamp: 0 })).toBeUndefined();
  });
});

describe('WorkerMetrics', () => {
  let registry: Registry;
  let metrics: WorkerMetrics;
  beforeEach(() => {
    registry = new Registry();
    metrics = new WorkerMetrics(registry);
  });

  it('counts the jobs found without their worker, by queue, from 0', async () => {
    metrics.queueWatched('webim-turns');
    metrics.queueWatched('webim-proactive');
    metrics.jobStalled('webim-proactive');
    metrics.jobStalled('webim-proactive');
    const stalls = (queue: string) => sample(registry, 'webim_job_stalls_total', { queue });
    expect(await stalls('webim-turns')).toBe(0);
    expect(await stalls('webim-proactive')).toBe(2);
  });

  it('times jobs by queue, and runs by how they ended', async () => {
    metrics.jobStarted('webim-turns', { timestamp: 1000, processedOn: 1003 });
    metrics.jobFinished(
      'webim-turns',
      { timestamp: 1000, processedOn: 1003, finishedOn: 1010 },
      'completed',
    );
    metrics.jobFinished(
      'webim-proactive',
      { timestamp: 0, processedOn: 1, finishedOn: 2 },
      'failed',
    );

    const turns = { queue: 'webim-turns' };
    expect(await sample(registry, 'webim_job_wait_seconds_count', turns)).toBe(1);
    expect(await sample(registry, 'webim_job_wait_seconds_bucket', { ...turns, le: 0.0025 })).toBe(
      0,
    );
    expect(await sample(registry, 'webim_job_wait_seconds_bucket', { ...turns, le: 0.005 })).toBe(
      1,
    );
    expect(
      await sample(registry, 'webim_job_run_seconds_sum', { ...turns, status: 'completed' }),
    ).toBe(0.007);
    expect(
      await sample(registry, 'webim_job_run_seconds_count', {
        queue: 'webim-proactive',
        status: 'failed',
      }),
    ).toBe(1);
  });

  it('counts turns by result, their scenario errors and the buffered messages they delivered', async () => {
    metrics.turnFinished('shop', { status: 'answered', delivered: 2 });
    metrics.turnFinished('shop', { status: 'answered', handoff: 'scenario_error', delivered: 0 });
    metrics.turnFinished('shop', { status: 'expired' });
    metrics.turnFinished('shop', null);

    expect(await sample(registry, 'webim_turns_total', { status: 'answered' })).toBe(2);
    expect(await sample(registry, 'webim_turns_total', { status: 'expired' })).toBe(1);
    expect(await sample(registry, 'webim_turns_total', { status: 'failed' })).toBe(1);
    expect(
      await sample(registry, 'webim_scenario_errors_total', { channel: 'shop', kind: 'turn' }),
    ).toBe(1);
    expect(await sample(registry, 'webim_buffered_messages_total', { event: 'delivered' })).toBe(2);
  });

  it('counts timers and incoming requests by result, and what they buffered or dropped', async () => {
    const timer = { kind: 'timer' as const, channelId: 'shop' };
    const event = { kind: 'event' as const, channelId: 'shop' };
    metrics.proactiveFinished(timer, { status: 'delivered', messages: 2, dropped: 1 });
    metrics.proactiveFinished(timer, { status: 'dropped', scenarioError: true });
    metrics.proactiveFinished(event, { status: 'delivered', messages: 1, dropped: 0 });
    metrics.proactiveFinished(event, null);

    expect(await sample(registry, 'webim_timers_fired_total', { status: 'buffered' })).toBe(1);
    expect(await sample(registry, 'webim_timers_fired_total', { status: 'dropped' })).toBe(1);
    expect(await sample(registry, 'webim_incoming_events_total', { status: 'buffered' })).toBe(1);
    expect(await sample(registry, 'webim_incoming_events_total', { status: 'failed' })).toBe(1);
    expect(
      await sample(registry, 'webim_scenario_errors_total', { channel: 'shop', kind: 'timer' }),
    ).toBe(1);
    expect(await sample(registry, 'webim_buffered_messages_total', { event: 'appended' })).toBe(3);
    expect(await sample(registry, 'webim_buffered_messages_total', { event: 'dropped' })).toBe(1);
    expect(await sample(registry, 'webim_buffered_messages_total', { event: 'delivered' })).toBe(0);
  });
});

describe('deprecated names of the job metrics', () => {
  it('exports the bullmq_ names with the same values as the webim_ ones', async () => {
    const registry = new Registry();
    const metrics = new WorkerMetrics(registry);
    metrics.queueWatched('webim-turns');
    metrics.jobStalled('webim-turns');
    metrics.jobStarted('webim-turns', { timestamp: 1000, processedOn: 1003 });
    metrics.jobFinished(
      'webim-turns',
      { timestamp: 0, processedOn: 1, finishedOn: 30 },
      'completed',
    );
    const lines = (await registry.metrics()).split('\n');
    const series = (prefix: string) =>
      lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
    for (const name of ['job_wait_seconds', 'job_run_seconds', 'job_stalls_total']) {
      expect(series(`webim_${name}`).length).toBeGreaterThan(0);
      expect(series(`bullmq_${name}`)).toEqual(series(`webim_${name}`));
    }
  });
});
