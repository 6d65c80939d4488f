import { HostRegistry } from './host-registry';

describe('HostRegistry', () => {
  const settings = {
    volumeThreshold: 1,
    errorThresholdPercent: 50,
    resetMs: 1000,
    rollingWindowMs: 1000,
    perHost: 1,
    maxHosts: 2,
  };

  it('keeps at most maxHosts entries, dropping the least recently used', () => {
    const forgotten: string[] = [];
    const registry = new HostRegistry(
      settings,
      () => undefined,
      (h) => forgotten.push(h),
    );
    const a = registry.for('a');
    registry.for('b');
    expect(registry.for('a')).toBe(a);
    registry.for('c');
    expect(forgotten).toEqual(['b']);
    expect(registry.size).toBe(2);
    expect(registry.for('a')).toBe(a);
    registry.shutdown();
  });

  it('keeps a host with requests in flight, dropping the next one instead', async () => {
    const forgotten: string[] = [];
    const registry = new HostRegistry(
      settings,
      () => undefined,
      (h) => forgotten.push(h),
    );
    await registry.for('busy').slots.acquire(new AbortController().signal);
    registry.for('idle');
    registry.for('new');
    expect(forgotten).toEqual(['idle']);
    registry.shutdown();
  });
});
