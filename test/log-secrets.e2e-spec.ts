import { randomBytes } from 'node:crypto';
import { pathSpellings } from './support/path-spellings';
import { rawHttp } from './support/raw-http';
import { TestStack } from './support/test-stack';

// Secrets never reach the gateway's log, however a request spells them: the webhook token in
// any spelling of the webhook path, the admin token in a query string or a request line, a
// Webim password in a management API body that is valid, invalid or not even JSON.

/**
 * Every form the log could hold `secret` in: as written, percent-decoded (twice, for a
 * double-encoded one) and in any case, since a path spelt in capitals still gives the secret
 * away to a reader.
 */
function holds(log: string, secret: string): boolean {
  const decodeOnce = (text: string) =>
    text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const decoded = decodeOnce(decodeOnce(log)).toLowerCase();
  return log.includes(secret) || decoded.includes(secret.toLowerCase());
}

describe('secrets in the gateway log', () => {
  let stack: TestStack;
  let host: string;
  let token: string;
  const password = `pw-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    stack.secrets.add(password);
    host = `127.0.0.1:${stack.port}`;
    token = new URL(await stack.demoWebhookUrl()).pathname.split('/')[3];
  });
  afterAll(() => stack?.close());

  /** Sends a marker request and waits for its log line: every earlier line is written by then. */
  const flushed = async () => {
    const marker = `/flushed-${randomBytes(6).toString('hex')}`;
    await rawHttp(stack.port, { target: marker });
    await stack.gateway.waitForLog(new RegExp(marker));
  };
  const logged = () => stack.gateway.logs();

  it('never logs the webhook token, whatever the spelling of the webhook path', async () => {
    const body = JSON.stringify({ event: 'chat_closed', chat: { id: 'log-secrets' } });
    const targets = [
      ...pathSpellings(`/webim/demo/${token}`, host),
      `/webim/demo/${token}%zz`,
      `/webim/demo/%${token}`,
      `/webim%2Fdemo%2F${token}`,
      `/webim/demo/${token}/extra`,
      `/x/webim/demo/${token}`,
    ];
    const statuses = new Map<number, number>();
    for (const target of targets) {
      for (const method of ['POST', 'GET']) {
        const response = await rawHttp(stack.port, {
          method,
          target,
          ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body } : {}),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }
    await flushed();
    // Some spellings reached the webhook, others nothing: both kinds were logged.
    expect(statuses.get(200)).toBeGreaterThan(10);
    expect(statuses.get(404)).toBeGreaterThan(10);
    expect(logged().match(/"url":"[^"]*webim[^"]*\[redacted\]/gi)?.length).toBeGreaterThan(100);
    expect(holds(logged(), token)).toBe(false);
  });

  it('never logs the admin token sent in a query string or a request line', async () => {
    const admin = stack.adminToken;
    const queries = [
      `token=${admin}`,
      `access_token=${admin}`,
      `x=${admin}`,
      `a=1&token=${admin}&b=2`,
      `${admin}`,
      `${admin}=1`,
      `token=${encodeURIComponent(admin).replace(/./g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`,
      `a=1;token=${admin}`,
    ];
    for (const path of ['/api/channels', '/health/live', '/no-such-path', '/admin/queues']) {
      for (const query of queries) {
        await rawHttp(stack.port, { target: `${path}?${query}` });
        await rawHttp(stack.port, { target: `http://${host}${path}?${query}` });
      }
      await rawHttp(stack.port, { target: `${path}#${admin}` });
      await rawHttp(stack.port, { target: `http://admin:${admin}@${host}${path}` });
    }
    await flushed();
    expect(logged()).toMatch(/"url":"\/api\/channels\?[^"]*\[redacted\]/);
    expect(holds(logged(), admin)).toBe(false);
  });

  it('never logs a Webim password or the admin token from a management API body', async () => {
    const admin = stack.adminToken;
    const webim = (extra: Record<string, unknown> = {}) => ({
      domain: 'demo.webim.ru',
      email: 'bot@example.com',
      password,
      ...extra,
    });
    const bodies = [
      JSON.stringify({ agentId: 'demo', name: 'ok', webim: webim() }),
      JSON.stringify({ agentId: 'demo', name: 'x', webim: webim({ extra: password }) }),
      JSON.stringify({ agentId: 'demo', name: password, webim: { password: [password] } }),
      JSON.stringify({ agentId: 'demo', name: 'x', webim: { password: password.repeat(200) } }),
      JSON.stringify({ agentId: password, token: admin, adminToken: admin }),
      `{"agentId":"demo","webim":{"password":"${password}"`,
      `{"webim":{"password":"${password}"}}}`,
      `${password}`,
      JSON.stringify({ a: { b: { c: { password } } } }).padEnd(300_000, ' '),
      `${'{"a":'.repeat(40)}"${password}"${'}'.repeat(40)}`,
    ];
    const statuses: number[] = [];
    for (const body of bodies) {
      for (const [method, path] of [
        ['POST', '/api/channels'],
        ['PATCH', '/api/channels/demo'],
      ]) {
        for (const authorization of [`Bearer ${admin}`, undefined]) {
          const response = await rawHttp(stack.port, {
            method,
            target: path,
            headers: {
              'content-type': 'application/json',
              ...(authorization ? { authorization } : {}),
            },
            body,
          });
          statuses.push(response.status);
        }
      }
    }
    await flushed();
    // Accepted, refused as invalid, too large or unauthenticated: each kind was sent.
    expect(new Set(statuses)).toEqual(new Set([201, 200, 400, 401, 413]));
    expect(holds(logged(), password)).toBe(false);
    expect(holds(logged(), admin)).toBe(false);
  });
});
