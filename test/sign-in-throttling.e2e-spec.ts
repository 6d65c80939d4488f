import { request } from 'node:http';
import { StackProcess, TestStack } from './support/test-stack';

// Guessing the admin token: a client that presents wrong credentials too often is refused
// before its next guess is even compared, on every gateway, on the API and on Bull Board; and
// the management API's rate limit is one count per client, whatever the route or the gateway.

const FAILURES = 5;
const API_LIMIT = 12;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { statusCode?: number; error?: string; message?: string };
}

/** A GET from a given local address: another loopback address is another client. */
function get(url: string, authorization?: string, localAddress = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { localAddress, headers: authorization ? { authorization } : {}, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'] as string | undefined,
            body: text.startsWith('{') ? (JSON.parse(text) as Answer['body']) : {},
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const bearer = (token: string) => `Bearer ${token}`;
const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
const WRONG = bearer('wrong-token-wrong-token');

describe('failed sign-ins and the API rate limit', () => {
  let stack: TestStack;
  let second: StackProcess;
  let webhookUrl: string;

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 0,
      env: {
        API_AUTH_FAILURES_PER_MINUTE: String(FAILURES),
        API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT),
      },
    });
    second = await stack.startGateway();
    webhookUrl = await stack.demoWebhookUrl();
  });
  afterAll(() => stack?.close());

  // Each test starts in a new window: the counts of the one before are gone, as a minute later.
  beforeEach(async () => {
    const counts = await stack.client.keys('wg:throttle:*');
    if (counts.length > 0) await stack.client.del(...counts);
  });

  const expectLockedOut = (answer: Answer) => {
    expect(answer.status).toBe(429);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
    expect(answer.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  };

  it('refuses a client after too many wrong tokens, even with the right one, until the window ends', async () => {
    const url = `${stack.baseUrl}/api/channels`;
    for (let i = 0; i < FAILURES; i++) expect((await get(url, WRONG)).status).toBe(401);
    for (let i = 0; i < 50; i++) expectLockedOut(await get(url, WRONG));
    expectLockedOut(await get(url, bearer(stack.adminToken)));
    // No credentials at all guess nothing: still 401, not counted.
    expect((await get(url)).status).toBe(401);

    // Another client is not held back by this one.
    expect((await get(url, bearer(stack.adminToken), '127.0.0.2')).status).toBe(200);
    expect((await get(url, WRONG, '127.0.0.2')).status).toBe(401);

    // The window ends (its count expires): the right token is let in again.
    const counts = await stack.client.keys('wg:throttle:*');
    expect(counts.some((key) => key.includes('127.0.0.1'))).toBe(true);
    expect(counts.every((key) => !key.includes('/'))).toBe(true); // never per route
    await stack.client.del(...counts);
    expect((await get(url, bearer(stack.adminToken))).status).toBe(200);
  });

  it('holds the bound when the guesses are all sent at once', async () => {
    const url = `${stack.baseUrl}/api/channels`;
    const answers = await Promise.all(Array.from({ length: 30 }, () => get(url, WRONG)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([
      ...Array<number>(FAILURES).fill(401),
      ...Array<number>(30 - FAILURES).fill(429),
    ]);
    expectLockedOut(await get(url, bearer(stack.adminToken)));
  });

  it('never holds back an admin whose requests are all sent at once', async () => {
    const token = bearer(stack.adminToken);
    const answers = await Promise.all(
      Array.from({ length: 2 * FAILURES }, () => get(`${stack.baseUrl}/api/agents`, token)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  });

  it('counts wrong credentials on every route, on Bull Board and on every gateway together', async () => {
    expect((await get(`${stack.baseUrl}/api/channels`, WRONG)).status).toBe(401);
    expect((await get(`${stack.baseUrl}/api/agents/demo`, WRONG)).status).toBe(401);
    expect((await get(`${stack.baseUrl}/api/docs`, basic('wrong'))).status).toBe(401);
    expect((await get(`${stack.baseUrl}/admin/queues`, basic('wrong'))).status).toBe(401);
    expect((await get(`${second.baseUrl}/api/channels/demo/chats`, WRONG)).status).toBe(401);
    for (const base of [stack.baseUrl, second.baseUrl]) {
      expectLockedOut(await get(`${base}/api/channels`, bearer(stack.adminToken)));
      const board = await get(`${base}/admin/queues`, basic(stack.adminToken));
      expectLockedOut(board);
    }
  });

  it('limits management requests per client across routes and gateways', async () => {
    const token = bearer(stack.adminToken);
    const paths = ['/api/channels', '/api/agents', '/api/channels/demo/chats'];
    for (let i = 0; i < API_LIMIT; i++) {
      const base = i % 2 === 0 ? stack.baseUrl : second.baseUrl;
      const answer = await get(`${base}${paths[i % paths.length]}`, token);
      expect([i, answer.status]).toEqual([i, 200]);
    }
    for (const base of [stack.baseUrl, second.baseUrl]) {
      for (const path of paths) expectLockedOut(await get(`${base}${path}`, token));
    }
    expect((await get(`${stack.baseUrl}/api/agents`, token, '127.0.0.2')).status).toBe(200);
    // The webhook and the probes are never limited.
    expect((await get(`${stack.baseUrl}/health/live`)).status).toBe(200);
    expect((await get(webhookUrl)).status).toBe(200);
  });
});
