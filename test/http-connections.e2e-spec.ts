import { withTimeout } from '@app/redis';
import { RawConnection, requestHead } from './support/raw-http';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// What a connection can do to the gateway below the level of a route: send its body slowly,
// send headers too large, frame an empty body as chunked, or go away halfway.

const REQUEST_TIMEOUT_MS = 1500;
// Longer than the request timeout: only a request's arrival is bounded, not its answer.
const REPLY_BUDGET_MS = 2000;

describe('HTTP connections', () => {
  let stack: TestStack;
  let webhookPath: string;

  beforeAll(async () => {
    stack = await TestStack.start({
      // No worker: a webhook request waits the whole budget, long enough to walk away from.
      workers: 0,
      env: {
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        REPLY_BUDGET_MS: String(REPLY_BUDGET_MS),
      },
    });
    webhookPath = new URL(await stack.demoWebhookUrl()).pathname;
  });
  afterAll(() => stack?.close());

  const auth = () => ({ authorization: `Bearer ${stack.adminToken}` });

  it('closes connections whose body trickles in, with a 408, within HTTP_REQUEST_TIMEOUT_MS, and serves others meanwhile', async () => {
    const slow = await Promise.all(
      Array.from({ length: 20 }, () => RawConnection.open(stack.port)),
    );
    const heads = [
      requestHead('POST', webhookPath, {
        'content-type': 'application/json',
        'content-length': 1000,
      }),
      requestHead('POST', '/api/channels', { ...auth(), 'content-length': 1000 }),
    ];
    slow.forEach((connection, i) => connection.write(`${heads[i % 2]}{`));
    // Never idle: a byte every 250 ms, so only a bound on the whole request can end them.
    const trickle = setInterval(() => slow.forEach((connection) => connection.write(' ')), 250);
    try {
      const started = Date.now();
      const live = await fetch(`${stack.baseUrl}/health/live`);
      expect(live.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
      await withTimeout(
        Promise.all(slow.map((connection) => connection.closed)),
        REQUEST_TIMEOUT_MS + 3000,
      );
    } finally {
      clearInterval(trickle);
      slow.forEach((connection) => connection.abort());
    }
    for (const connection of slow) {
      expect(connection.openMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(connection.openMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
      const response = await connection.response();
      expect(response.status).toBe(408);
      expect(response.headers.connection).toBe('close');
      expect(JSON.parse(response.body)).toEqual({
        statusCode: 408,
        error: 'Request Timeout',
        message: expect.any(String),
      });
    }
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
  });

  it('lets an answer take longer than HTTP_REQUEST_TIMEOUT_MS once the request has arrived', async () => {
    const exchange = await stack.webim(await stack.demoWebhookUrl()).newChat('patient');
    expect(exchange.status).toBe(200);
    expect(exchange.body).toEqual({ has_answer: false }); // no worker: handed off at the budget
    expect(exchange.ms).toBeGreaterThanOrEqual(REPLY_BUDGET_MS - 5);
  });

  it('answers headers too large with 431 and Connection: close, in the error format', async () => {
    const connection = await RawConnection.open(stack.port);
    connection.write(requestHead('GET', '/health/live', { 'x-padding': 'a'.repeat(20_000) }));
    const response = await connection.response();
    expect(response.status).toBe(431);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: expect.any(String),
    });
    await withTimeout(connection.closed, 2000);
    // The next request, on a new connection as the header told the client, is served.
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
  });

  it('answers a POST without a body the same, chunked or not, with or without a content type', async () => {
    const framings: [Record<string, string | number>, string][] = [
      [{ 'transfer-encoding': 'chunked' }, '0\r\n\r\n'],
      [{ 'content-length': 0 }, ''],
      [{}, ''],
      [{ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, '0\r\n\r\n'],
      [{ 'content-type': 'application/json', 'content-length': 0 }, ''],
    ];
    const answers = async (path: string) => {
      const seen: { status: number; body: unknown }[] = [];
      for (const [headers, body] of framings) {
        const connection = await RawConnection.open(stack.port);
        connection.write(requestHead('POST', path, { ...auth(), connection: 'close', ...headers }));
        connection.write(body);
        const response = await connection.response();
        seen.push({ status: response.status, body: JSON.parse(response.body) });
      }
      return seen;
    };
    // The webhook: the documented answer to a request that is not a JSON object.
    expect(await answers(webhookPath)).toEqual(
      framings.map(() => ({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid Webim request',
          details: [{ path: '', message: 'the body must be a JSON object' }],
        },
      })),
    );
    expect(await answers('/api/channels')).toEqual(
      framings.map(() => ({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'The body must be a JSON object' },
      })),
    );
  });

  it('logs a client that goes away mid-request or mid-answer as a client abort, never as an error', async () => {
    const from = stack.gateway.logs().length;
    const logsSince = () => stack.gateway.logs().slice(from);
    const waitForLogSince = (pattern: RegExp) =>
      waitFor(`the gateway to log ${pattern}`, () => pattern.test(logsSince()));

    // A management request whose body stops halfway.
    const api = await RawConnection.open(stack.port);
    api.write(requestHead('POST', '/api/channels', { ...auth(), 'content-length': 100 }) + '{"na');
    // A webhook request whose body stops halfway.
    const webhookBody = await RawConnection.open(stack.port);
    webhookBody.write(requestHead('POST', webhookPath, { 'content-length': 100 }) + '{"ev');
    // A whole webhook request whose client gives up while its turn is pending.
    const waiting = await RawConnection.open(stack.port);
    const chat = JSON.stringify({ event: 'new_chat', chat: { id: 'gone' } });
    waiting.write(
      requestHead('POST', webhookPath, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(chat),
      }) + chat,
    );
    // The data is sent before the close: the gateway reads each request, then sees it go.
    for (const connection of [api, webhookBody, waiting]) connection.abort();

    await waitForLogSince(/"err":"aborted"/);
    await waitForLogSince(/"url":"\/api\/channels"[^\n]*"msg":"request aborted"/);
    await waitForLogSince(/Handed off: timeout/);
    // One more request, answered after every abort above was seen by the gateway.
    expect((await stack.api('/api/channels')).status).toBe(200);
    await waitForLogSince(/"method":"GET","url":"\/api\/channels"[^\n]*"request completed"/);

    const lines = logsSince()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; stack?: string });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.filter((line) => line.stack !== undefined)).toEqual([]);
    // The body cut off on its way in (the webhook's, at least: the API's may be seen only once
    // its sign-in is checked, with nothing left to read) is logged as what it is.
    const aborts = lines.filter((line) => line.msg === 'Client closed the connection');
    expect(aborts.length).toBeGreaterThanOrEqual(1);
    expect(aborts.every((line) => line.level <= 30)).toBe(true);
  });
});
