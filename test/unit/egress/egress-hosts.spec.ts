import { Registry } from 'prom-client';
import { Egress, EgressOutcome } from '@app/egress';
import { FakeBackend } from '../../support/fake-backend';
import { Scrape } from '../../support/prometheus';
import { RecordingLog, testSettings } from './egress-settings';

describe('Egress per host: breaker, slots, metrics', () => {
  let backend: FakeBackend;
  let other: FakeBackend;
  let egress: Egress;
  let log: RecordingLog;
  let registry: Registry;

  beforeEach(async () => {
    backend = await FakeBackend.start();
    other = await FakeBackend.start();
    log = new RecordingLog();
    registry = new Registry();
    egress = new Egress(testSettings({ maxConcurrentPerHost: 2 }), { log, registry });
  });
  afterEach(async () => {
    await egress.close();
    await Promise.all([backend.stop(), other.stop()]);
  });

  const get = (url: string, timeoutMs = 2000): Promise<EgressOutcome> =>
    egress.send({ method: 'GET', url, timeoutMs, deadline: Date.now() + 4000 });
  const host = (): string => `127.0.0.1:${backend.port}`;
  const sample = async (name: string, labels: Record<string, string>) =>
    new Scrape(await registry.metrics()).find(name, labels);
  const state = (h: string) => sample('webim_egress_breaker_state', { host: h });

  it('opens the breaker after 5xx, answers breaker_open at once, then recovers half-open', async () => {
    backend.failing = true;
    for (let i = 0; i < 3; i++) {
      expect(await get(backend.url('/json'))).toMatchObject({ kind: 'http_error', status: 500 });
    }
    expect(await state(host())).toBe(2);
    const sent = backend.requests.length;
    const started = Date.now();
    expect(await get(backend.url('/json'))).toEqual({
      kind: 'breaker_open',
      reason: `${host()} failed too often lately`,
    });
    expect(Date.now() - started).toBeLessThan(100);
    expect(backend.requests.length).toBe(sent);

    const halfOpen = log.next((l) => l.fields.state === 'halfOpen');
    backend.failing = false;
    await halfOpen;
    expect(await state(host())).toBe(1);
    expect(await get(backend.url('/json'))).toMatchObject({ kind: 'ok' });
    expect(await state(host())).toBe(0);
    expect(await get(backend.url('/json'))).toMatchObject({ kind: 'ok' });
  });

  it('opens the breaker again when the half-open trial fails', async () => {
    backend.failing = true;
    for (let i = 0; i < 3; i++) await get(backend.url('/json'));
    expect(await state(host())).toBe(2);
    await log.next((l) => l.fields.state === 'halfOpen');
    const reopened = log.next((l) => l.fields.state === 'open');
    expect(await get(backend.url('/json'))).toMatchObject({ kind: 'http_error', status: 500 });
    await reopened;
    expect(await state(host())).toBe(2);
    expect(await get(backend.url('/json'))).toMatchObject({ kind: 'breaker_open' });
  });

  it('counts network errors and timeouts against the breaker, 4xx not', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await get(backend.url('/status/404'))).toMatchObject({ kind: 'http_error' });
    }
    expect(await state(host())).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(await get(other.url('/hang'), 50)).toMatchObject({ kind: 'timeout' });
    }
    expect(await state(`127.0.0.1:${other.port}`)).toBe(2);

    const closed = await FakeBackend.start();
    const url = closed.url('/json');
    await closed.stop();
    for (let i = 0; i < 3; i++) expect(await get(url)).toMatchObject({ kind: 'network_error' });
    expect(await get(url)).toMatchObject({ kind: 'breaker_open' });
  });

  it('does not count waits for a free connection against the host', async () => {
    const busy = [get(backend.url('/slow?ms=600')), get(backend.url('/slow?ms=600'))];
    for (let i = 0; i < 4; i++) {
      expect(await get(backend.url('/json'), 50)).toMatchObject({ kind: 'timeout' });
    }
    expect((await Promise.all(busy)).map((o) => o.kind)).toEqual(['ok', 'ok']);
    expect(await state(host())).toBe(0);
    expect(await get(backend.url('/json'))).toMatchObject({ kind: 'ok' });
  });

  it('does not count a timeout cut short by the deadline, only one the host had time for', async () => {
    const cut = () =>
      egress.send({
        method: 'GET',
        url: backend.url('/slow?ms=700'),
        timeoutMs: 2000,
        deadline: Date.now() + 400,
      });
    for (let i = 0; i < 4; i++) expect(await cut()).toMatchObject({ kind: 'timeout' });
    expect(await state(host())).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(await get(backend.url('/slow?ms=1500'), 1100)).toMatchObject({ kind: 'timeout' });
    }
    expect(await state(host())).toBe(2);
  });

  it('holds requests to one host to the bound; the others wait for a slot in order', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => get(backend.url('/slow?ms=100'))),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(Array(6).fill('ok'));
    expect(backend.maxInFlight).toBe(2);
  });

  it('answers timeout to a request that waited for a slot past its own time', async () => {
    const hung = [get(backend.url('/hang'), 1000), get(backend.url('/hang'), 1000)];
    const started = Date.now();
    expect(await get(backend.url('/json'), 150)).toEqual({
      kind: 'timeout',
      reason: 'no free connection to the host within 150 ms',
    });
    expect(Date.now() - started).toBeLessThan(500);
    expect(backend.requests.filter((p) => p === '/json')).toEqual([]);
    await Promise.all(hung);
  });

  it('does not delay another host while one is saturated and hanging', async () => {
    const hung = Array.from({ length: 4 }, () => get(backend.url('/hang'), 1000));
    const started = Date.now();
    expect(await get(other.url('/json'))).toMatchObject({ kind: 'ok' });
    expect(Date.now() - started).toBeLessThan(500);
    await Promise.all(hung);
  });

  it('labels metrics with the host, never the path; a refused host as "refused"', async () => {
    await get(backend.url('/json?secret=1'));
    await get(backend.url('/status/404'));
    await get('http://elsewhere.example/x');
    expect(await sample('webim_egress_requests_total', { host: host(), outcome: 'ok' })).toBe(1);
    expect(
      await sample('webim_egress_requests_total', {
        host: host(),
        outcome: 'http_error',
      }),
    ).toBe(1);
    expect(
      await sample('webim_egress_requests_total', {
        host: 'refused',
        outcome: 'refused',
      }),
    ).toBe(1);
    expect(await sample('webim_egress_duration_seconds_count', { host: host() })).toBe(2);
    expect(
      await sample('webim_egress_duration_seconds_count', { host: 'refused' }),
    ).toBeUndefined();
    expect(await registry.metrics()).not.toContain('/json');
  });
});
