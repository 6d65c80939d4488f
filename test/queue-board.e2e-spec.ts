import { pathSpellings } from './support/path-spellings';
import { RawResponse, rawHttp } from './support/raw-http';
import { TestStack } from './support/test-stack';

// Bull Board: every queue of the product, behind HTTP Basic (any user, the admin token).

/** Paths the board serves: its page, its API (reads and writes) and its static files. */
const BOARD_ROUTES: [method: string, path: string][] = [
  ['GET', '/admin/queues'],
  ['GET', '/admin/queues/api/queues'],
  ['GET', '/admin/queues/static/favicon-32x32.png'],
  ['PUT', '/admin/queues/api/queues/webim-turns/pause'],
  ['POST', '/admin/queues/api/queues/webim-proactive/add'],
];

/**
 * 401 (the lock), 404 (no route), or the 400 Fastify gives a request line that HTTP itself does
 * not allow (a backslash first): never an answer from the board.
 */
const refused = (response: RawResponse) =>
  response.status === 401 ||
  response.status === 404 ||
  (response.status === 400 && response.body.includes('"message":"Client Error"'));

describe('Bull Board at /admin/queues', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack.close());

  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const get = (path: string, authorization?: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: authorization ? { authorization } : {} });

  it('asks a browser to sign in, on the page and on every path under it', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/x.js']) {
      const response = await get(path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Bull Board"/);
    }
    expect((await get('/admin/queues', basic('admin', 'wrong-token'))).status).toBe(401);
    expect((await get('/admin/queues', `Bearer ${stack.adminToken}`)).status).toBe(401);
  });

  it('shows the board, and both queues in its API, with the admin token as password', async () => {
    const page = await get('/admin/queues', basic('admin', stack.adminToken));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const api = await get('/admin/queues/api/queues', basic('anyone', stack.adminToken));
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual(['webim-proactive', 'webim-turns']);
  });

  it('reaches no board route without the password, however the path is spelt', async () => {
    const host = `127.0.0.1:${stack.port}`;
    const body = JSON.stringify({ name: 'x', data: {} });
    const headers = { 'content-type': 'application/json' };
    const answered: string[] = [];
    let sent = 0;
    for (const [method, path] of BOARD_ROUTES) {
      for (const target of pathSpellings(path, host)) {
        const write = method !== 'GET';
        const response = await rawHttp(stack.port, {
          method,
          target,
          ...(write ? { headers, body } : {}),
        });
        sent++;
        if (!refused(response)) {
          answered.push(`${method} ${target} → ${response.status} ${response.body.slice(0, 80)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(400);
    expect(answered).toEqual([]);
    const turns = await stack.bull('webim-turns');
    expect(await turns.queue.isPaused()).toBe(false);
    expect(await (await stack.bull('webim-proactive')).queue.count()).toBe(0);
  });

  it('serves those spellings to whoever signs in: the 401s above are the lock, not a 404', async () => {
    const host = `127.0.0.1:${stack.port}`;
    const authorization = basic('admin', stack.adminToken);
    let served = 0;
    for (const target of pathSpellings('/admin/queues/api/queues', host)) {
      const response = await rawHttp(stack.port, { target, headers: { authorization } });
      if (response.status === 200) served++;
    }
    // Every single encoded character, the absolute forms, the trailing slash...
    expect(served).toBeGreaterThan(30);
  });
});
