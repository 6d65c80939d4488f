import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// Without Redis the management API cannot answer: it says so (503, retry later) in its error
// format, rather than passing the outage off as a bug of its own; the webhook still hands off.

describe('the management API while Redis is down', () => {
  let stack: TestStack;
  afterAll(() => stack?.close());

  it('answers 503 with Retry-After on every kind of route, and works again when Redis returns', async () => {
    stack = await TestStack.start({ persistentRedis: true });
    const webim = stack.webim(await stack.demoWebhookUrl());
    expect((await webim.newChat('c1')).body.has_answer).toBe(true);
    const json = { 'content-type': 'application/json' };
    const calls: [string, string, RequestInit?][] = [
      ['GET', '/api/channels'],
      ['GET', '/api/channels/demo'],
      ['POST', '/api/channels', { headers: json, body: '{"name":"n","agentId":"demo"}' }],
      ['PATCH', '/api/channels/demo', { headers: json, body: '{"name":"renamed"}' }],
      ['GET', '/api/agents'],
      ['GET', '/api/agents/demo'],
      ['GET', '/api/channels/demo/chats'],
      ['GET', '/api/channels/demo/chats/c1'],
      ['POST', '/api/channels/demo/chats/c1/events', { headers: json, body: '{"name":"x"}' }],
    ];
    const from = stack.gateway.logs().length;

    await stack.redis.stop();
    for (const [method, path, init] of calls) {
      const response = await stack.api(path, { method, ...init });
      expect([method, path, response.status]).toEqual([method, path, 503]);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/Redis.*retry/i),
      });
    }
    // The webhook's safe answer, at once.
    const handedOff = await webim.say('c1', 'while down');
    expect(handedOff.status).toBe(200);
    expect(handedOff.body).toEqual({ has_answer: false });
    expect(handedOff.ms).toBeLessThan(500);

    // An outage is a warning, not an error with a stack per request.
    const lines = stack.gateway.logs().slice(from);
    expect(lines).toMatch(/"level":40[^\n]*Redis/);
    expect(lines).not.toMatch(/"level":(50|60)/);

    await stack.redis.restart();
    const back = await waitFor(
      'the management API to answer again',
      async () => {
        const response = await stack.api('/api/channels/demo');
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 15_000, everyMs: 100 },
    );
    expect(await back.json()).toMatchObject({ id: 'demo' });
  });
});
