import { isRefusal, pathSpellings } from './support/path-spellings';
import { rawHttp } from './support/raw-http';
import { dumpRedis } from './support/redis-dump';
import { TestStack } from './support/test-stack';
import { assertWebimAnswer } from './support/webim-client';

// What an attacker or a careless client meets: every /api route closed without the token, and
// hostile bodies on the webhook and the API answered with a 4xx, never a crash or stored junk.

/** A seeded PRNG (mulberry32): the fuzz cases are the same on every run and machine. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of every JSON type, including hostile ones, as JSON text (deep ones built as text). */
const HOSTILE_VALUES: string[] = [
  'null',
  'true',
  '-1',
  '1e308',
  '""',
  JSON.stringify('x'.repeat(100_000)),
  JSON.stringify('\u0000\u202e<script>alert(1)</script>'),
  '[]',
  '[1,"two",null]',
  '{}',
  '{"toString":"x","valueOf":1}',
  '['.repeat(5000) + ']'.repeat(5000),
  '{"a":'.repeat(2000) + '{}' + '}'.repeat(2000),
];

/** A JSON body with `field` set to a value given as JSON text. */
function withValue(body: Record<string, unknown>, path: string[], valueJson: string): string {
  const copy = structuredClone(body);
  let target = copy;
  for (const key of path.slice(0, -1)) {
    target[key] = { ...(target[key] as object) };
    target = target[key] as Record<string, unknown>;
  }
  // defineProperty, so that a `__proto__` key is an own key, as a hostile body would send it.
  Object.defineProperty(target, path[path.length - 1], { value: '\u0001hole', enumerable: true });
  return JSON.stringify(copy).replace('"\\u0001hole"', valueJson);
}

/** Raw bodies no JSON serializer would produce. */
const RAW_BODIES = [
  '',
  'not json',
  '{"a":',
  '{"__proto__":{"polluted":true},"agentId":"demo"}',
  '{"constructor":{"prototype":{"polluted":true}},"agentId":"demo"}',
  '\u0000\u0001',
  '[' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + ']',
];

/**
 * Keys that change without any request (heartbeats, acknowledgements, BullMQ's own), or with
 * every request whatever it asks (the rate limits' counts).
 */
const VOLATILE = /^(wg:(workers|gateways)$|wg:channel:[^:]+:acks$|wg:throttle:|\{wg\}:)/;

async function storedState(stack: TestStack): Promise<Map<string, string>> {
  const dump = await dumpRedis(stack.client);
  for (const key of [...dump.keys()]) if (VOLATILE.test(key)) dump.delete(key);
  return dump;
}

describe('management API and webhook security', () => {
  let stack: TestStack;
  let demoUrl: string;

  beforeAll(async () => {
    // This suite sends hundreds of requests, many with wrong credentials on purpose: the
    // limits would stop it halfway (sign-in-throttling.e2e-spec.ts tests them).
    stack = await TestStack.start({
      env: { API_RATE_LIMIT_PER_MINUTE: '100000', API_AUTH_FAILURES_PER_MINUTE: '100000' },
    });
    demoUrl = await stack.demoWebhookUrl();
  });
  afterAll(() => stack?.close());

  it('every /api route of the running app answers 401 without the admin token', async () => {
    const line = stack.gateway
      .logs()
      .split('\n')
      .find((l) => l.includes('"msg":"HTTP routes"'));
    const routes = (JSON.parse(line!) as { routes: string[] }).routes
      .map((r) => r.split(' ') as [string, string])
      .filter(([, path]) => path === '/api' || path.startsWith('/api/'));
    // Channels (8), agents (4), chats (2), events (1), docs: the list is what the app serves.
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes).toContainEqual(['POST', '/api/channels/:channelId/rotate-token']);
    for (const [method, pattern] of routes) {
      const path = pattern.replace(/:[A-Za-z]+/g, 'demo').replace(/\*$/, 'x');
      for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', 'Basic Og==']) {
        const response = await fetch(`${stack.baseUrl}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: ['GET', 'HEAD'].includes(method) ? undefined : '{}',
        });
        expect([method, path, authorization, response.status]).toEqual([
          method,
          path,
          authorization,
          401,
        ]);
        expect(await response.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
    }
    // A path no route serves is closed too, so the API's shape does not leak.
    expect((await fetch(`${stack.baseUrl}/api/no-such-thing`)).status).toBe(401);
  });

  it('answers 401 to every spelling of an /api path the router accepts', async () => {
    const host = `127.0.0.1:${stack.port}`;
    // Refused: 401 (the lock), 404 (no route), or Fastify's 400 for a request line HTTP does
    // not allow (a backslash first). Never an answer from a controller.
    const targets: [string, string][] = [
      ['GET', '/api/channels'],
      ['GET', '/api/channels/demo'],
      ['GET', '/api/docs-json'],
      ['POST', '/api/channels/demo/rotate-token'],
      ['PUT', '/api/agents/spelt'],
    ];
    const answered: string[] = [];
    let sent = 0;
    for (const [method, path] of targets) {
      for (const target of pathSpellings(path, host)) {
        const write = method !== 'GET';
        const response = await rawHttp(stack.port, {
          method,
          target,
          ...(write ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
        });
        sent++;
        if (!isRefusal(response)) answered.push(`${method} ${target} → ${response.status}`);
      }
    }
    expect(sent).toBeGreaterThan(300);
    expect(answered).toEqual([]);
    // The same spellings reach the API with the token: the 401s are the lock, not 404s.
    let served = 0;
    const authorization = `Bearer ${stack.adminToken}`;
    for (const target of pathSpellings('/api/channels', host)) {
      const response = await rawHttp(stack.port, { target, headers: { authorization } });
      if (response.status === 200) served++;
    }
    expect(served).toBeGreaterThan(15);
    expect(await stack.demoWebhookUrl()).toBe(demoUrl);
  });

  it('serves the OpenAPI description at /api/docs, to a browser that signs in', async () => {
    const anonymous = await fetch(`${stack.baseUrl}/api/docs`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    const basic = `Basic ${Buffer.from(`admin:${stack.adminToken}`).toString('base64')}`;
    const page = await fetch(`${stack.baseUrl}/api/docs`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/swagger/i);
    const spec = (await (await stack.api('/api/docs-json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/channels',
        '/api/channels/{channelId}',
        '/api/channels/{channelId}/activate',
        '/api/agents/{agentId}',
        '/api/channels/{channelId}/chats/{chatId}',
      ]),
    );
    expect(Object.keys(spec.paths).every((p) => p.startsWith('/api/'))).toBe(true);
  });

  it('sends helmet headers', async () => {
    const response = await fetch(`${stack.baseUrl}/health/live`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('answers hostile bodies on the API with a 4xx and stores nothing', async () => {
    const before = await storedState(stack);
    const rand = random(42);
    const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
    const targets: [string, string][] = [
      ['POST', '/api/channels'],
      ['PATCH', '/api/channels/demo'],
      ['POST', '/api/channels/demo/chats/c1/events'],
      ['PUT', '/api/agents/fuzzed'],
    ];
    const bodies: string[] = [...RAW_BODIES, ...HOSTILE_VALUES];
    // Valid shapes with one field made hostile: the type checks must catch each one.
    const valid = { agentId: 'demo', name: 'n', activate: false, webim: { domain: 'a.webim.ru' } };
    // Strings are valid names; only a string too long for every field is hostile everywhere.
    const hostile = HOSTILE_VALUES.filter((v) => !v.startsWith('"') || v.length > 1000);
    for (let i = 0; i < 60; i++) {
      const field = pick([
        ['agentId'],
        ['name'],
        ['activate'],
        ['webim'],
        ['webim', 'password'],
        ['extra'],
        ['__proto__'],
      ]);
      const value = pick(hostile);
      // The few hostile values that are valid for their field: null removes a password.
      if (field.join('.') === 'webim.password' && value === 'null') continue;
      if (field[0] === 'activate' && value === 'true') continue;
      bodies.push(withValue(valid, field, value));
    }
    const statuses = new Map<number, number>();
    for (const body of bodies) {
      for (const [method, path] of targets) {
        const response = await stack.api(path, {
          method,
          headers: { 'content-type': 'application/json' },
          body,
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        // An empty PATCH is valid and changes nothing (checked below with the rest).
        if (method === 'PATCH' && body === '{}' && response.status === 200) continue;
        if (response.status < 400 || response.status >= 500) {
          throw new Error(`${method} ${path} ${body.slice(0, 200)} → ${response.status}`);
        }
        const error = (await response.json()) as { statusCode: number; message: string };
        expect(error.statusCode).toBe(response.status);
        expect(typeof error.message).toBe('string');
      }
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(await storedState(stack)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
  });

  it('answers hostile webhook bodies with a 4xx or a safe hand-off, and stores nothing', async () => {
    const before = await storedState(stack);
    const rand = random(7);
    const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
    const bodies: string[] = [...RAW_BODIES, ...HOSTILE_VALUES];
    const shapes = [
      { event: 'new_chat', chat: { id: 'fz' }, visitor: { id: 'v' } },
      { event: 'new_message', chat: { id: 'fz' }, kind: 'visitor', text: 'hi' },
    ];
    for (let i = 0; i < 80; i++) {
      const shape = pick(shapes);
      const field = pick([
        ['event'],
        ['chat'],
        ['chat', 'id'],
        ['visitor'],
        ['kind'],
        ['text'],
        ['messages'],
      ]);
      const value = pick(HOSTILE_VALUES);
      // A hostile value that happens to be valid (a text of any length is) is a real turn.
      if (field[0] === 'text' && value.startsWith('"')) continue;
      bodies.push(withValue(shape, field, value));
    }
    for (const body of bodies) {
      const response = await fetch(demoUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      if (response.status === 200) {
        // Hostile values in fields Webim may omit leave a valid request: a real turn.
        assertWebimAnswer(JSON.parse(text));
      } else if (response.status < 400 || response.status >= 500) {
        throw new Error(`webhook ${body.slice(0, 200)} → ${response.status} ${text}`);
      }
    }
    const after = await storedState(stack);
    // Nothing but the conversation of the one chat the valid requests named.
    for (const key of after.keys()) {
      if (!before.has(key))
        expect(key).toMatch(/^wg:(chat:\{demo:fz\}(:[a-z]+(:[0-9a-z-]+)?)?|chats:demo)$/);
    }
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
  });

  it('refuses ids that could break out of a Redis key or a URL', async () => {
    for (const id of ['a:b', 'a}b', 'a.b', 'x'.repeat(65), '%00']) {
      const response = await stack.api(`/api/channels/${encodeURIComponent(id)}`);
      expect([id, response.status]).toEqual([id, 400]);
    }
    const chat = await stack.api(`/api/channels/demo/chats/${'c'.repeat(300)}`);
    expect([400, 414]).toContain(chat.status);
  });
});
