import { appRoutes } from '@bull-board/api/dist/routes.js';
import { Job, Worker } from 'bullmq';
import { isRefusal, pathSpellings } from './support/path-spellings';
import { rawHttp } from './support/raw-http';
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

/** Every route of the board's API that changes something, as the installed Bull Board has them. */
const WRITE_ROUTES: [method: string, route: string][] = appRoutes.api.flatMap((r) =>
  [r.method]
    .flat()
    .filter((method) => method !== 'get')
    .flatMap((method) =>
      [r.route].flat().map((route): [string, string] => [method.toUpperCase(), route]),
    ),
);
const RETRY_ROUTES = [
  '/api/queues/:queueName/retry/:queueStatus',
  '/api/queues/:queueName/:jobId/retry',
];

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
        if (!isRefusal(response)) {
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

  describe('signed in, what it may change', () => {
    const authorization = () => basic('admin', stack.adminToken);
    const send = (method: string, route: string, params: Record<string, string>) =>
      fetch(
        `${stack.baseUrl}/admin/queues${route.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name])}`,
        {
          method,
          headers: { authorization: authorization(), 'content-type': 'application/json' },
          body: '{}',
        },
      );
    const params = (queueName: string) => ({
      queueName,
      jobId: 'no-such-job',
      queueStatus: 'failed',
      schedulerId: 'no-such-scheduler',
    });

    it('refuses every write to the turns queue, and to the proactive queue but retries', async () => {
      expect(WRITE_ROUTES.length).toBeGreaterThan(20);
      const answered: string[] = [];
      for (const queue of ['webim-turns', 'webim-proactive']) {
        for (const [method, route] of WRITE_ROUTES) {
          if (queue === 'webim-proactive' && RETRY_ROUTES.includes(route)) continue;
          const response = await send(method, route, params(queue));
          if (response.status !== 405)
            answered.push(`${method} ${route} (${queue}) → ${response.status}`);
        }
      }
      expect(answered).toEqual([]);
      for (const queue of ['webim-turns', 'webim-proactive']) {
        const { queue: bull } = await stack.bull(queue);
        expect([queue, await bull.isPaused()]).toEqual([queue, false]);
        expect([queue, await bull.count()]).toEqual([queue, 0]);
      }
      // The page offers the same: no action on turns, retries only on proactive jobs.
      const api = await get('/admin/queues/api/queues', authorization());
      const { queues } = (await api.json()) as { queues: Record<string, unknown>[] };
      const flags = (name: string) => {
        const q = queues.find((q) => q.name === name)!;
        return [q.readOnlyMode, q.allowRetries, q.allowCompletedRetries];
      };
      expect(flags('webim-turns')).toEqual([true, false, false]);
      expect(flags('webim-proactive')).toEqual([false, true, false]);
    });

    it('retries a failed proactive job, never a completed one', async () => {
      // No worker of the stack may take the jobs: this one fails or completes them as told.
      await stack.stopWorkers('SIGTERM');
      const { queue, events } = await stack.bull('webim-proactive');
      const worker = new Worker(
        'webim-proactive',
        async (job) => {
          if (job.name === 'fail') throw new Error('failed on purpose');
        },
        { connection: { url: stack.redis.url }, prefix: '{wg}' },
      );
      try {
        const failed = await queue.add('fail', {}, { jobId: 'board-failed', attempts: 1 });
        const completed = await queue.add('ok', {}, { jobId: 'board-completed' });
        await expect(failed.waitUntilFinished(events)).rejects.toThrow('failed on purpose');
        await completed.waitUntilFinished(events);
      } finally {
        await worker.close();
      }
      const state = async (id: string) => (await Job.fromId(queue, id))?.getState();
      const retry = (jobId: string) =>
        send('PUT', '/api/queues/:queueName/:jobId/retry', { queueName: 'webim-proactive', jobId });
      const retryAll = (queueStatus: string) =>
        send('PUT', '/api/queues/:queueName/retry/:queueStatus', {
          queueName: 'webim-proactive',
          queueStatus,
        });

      expect((await retry('board-completed')).status).toBe(405);
      expect((await retryAll('completed')).status).toBe(405);
      expect(await state('board-completed')).toBe('completed');
      expect((await retry('board-failed')).status).toBe(204);
      expect(await state('board-failed')).toBe('waiting');
    });
  });
});
