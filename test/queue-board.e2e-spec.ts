import { TestStack } from './support/test-stack';

// Bull Board: every queue of the product, behind HTTP Basic (any user, the admin token).

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
});
