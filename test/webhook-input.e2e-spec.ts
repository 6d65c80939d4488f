import type { Queue } from 'bullmq';
import { request as httpRequest } from 'node:http';
import { TURN_QUEUE } from '@app/conversation';
import { TestStack } from './support/test-stack';
import { WebimClient } from './support/webim-client';

// Bad input on the webhook: a clear 4xx (or a safe hand-off for what is valid but unknown),
// never a 5xx, never a crash, and nothing written to Redis or queued.

describe('webhook input', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let queue: Queue;

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.demoWebhookUrl());
    ({ queue } = await stack.bull(TURN_QUEUE));
  });

  afterAll(() => stack.close());

  const jobCount = async () => {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };
  const chatKeys = (chatId = 'c1') => stack.client.keys(`wg:chat:{demo:${chatId}}*`);

  async function expectRejected(
    body: string,
    status: number,
    headers: Record<string, string> = {},
  ) {
    const before = await jobCount();
    const response = await fetch(webim.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const answer = (await response.json()) as {
      statusCode: number;
      error: string;
      message: string;
    };
    expect(response.status).toBe(status);
    expect(answer).toMatchObject({
      statusCode: status,
      error: expect.any(String),
      message: expect.any(String),
    });
    expect(await jobCount()).toBe(before);
    expect(await chatKeys()).toEqual([]);
    return answer;
  }

  it('answers malformed JSON with 400 and a message saying so', async () => {
    const answer = await expectRejected('{"event": "new_message", "chat": {', 400);
    expect(answer.message).toMatch(/JSON/i);
  });

  it('answers wrong types and missing fields with 400 naming the field', async () => {
    const wrongType = await expectRejected(
      JSON.stringify({ event: 'new_message', chat: { id: 42 }, kind: 'visitor', text: 'hi' }),
      400,
    );
    expect(JSON.stringify(wrongType)).toContain('chat.id');
    const noText = await expectRejected(
      JSON.stringify({ event: 'new_message', chat: { id: 'c1' }, kind: 'visitor' }),
      400,
    );
    expect(JSON.stringify(noText)).toContain('text');
    const noChat = await expectRejected(JSON.stringify({ event: 'new_chat' }), 400);
    expect(JSON.stringify(noChat)).toContain('chat');
    const noButton = await expectRejected(
      JSON.stringify({
        event: 'new_message',
        chat: { id: 'c1' },
        kind: 'keyboard_response',
        response: {},
      }),
      400,
    );
    expect(JSON.stringify(noButton)).toContain('response.button');
    await expectRejected(JSON.stringify([{ event: 'new_chat' }]), 400);
    await expectRejected(JSON.stringify({ event: 7, chat: { id: 'c1' } }), 400);
    await expectRejected('', 400);
  });

  it('refuses a 2 MB body: 413 (or a reset), no crash, nothing written', async () => {
    const huge = JSON.stringify({
      event: 'new_message',
      chat: { id: 'c1' },
      kind: 'visitor',
      text: 'x'.repeat(2 * 1024 * 1024),
    });
    const before = await jobCount();
    // The gateway answers 413 from the Content-Length alone and closes the connection without
    // reading the body (reading 2 MB to refuse it would invite abuse). The client may get that
    // answer, or a TCP reset that discards it first; either way, never a 5xx.
    const outcome = await new Promise<{ status: number; body: string } | 'reset'>(
      (resolve, reject) => {
        const request = httpRequest(webim.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(huge),
          },
        });
        let responded = false;
        request.on('response', (response) => {
          responded = true;
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          response.on('error', () => resolve('reset'));
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          if (!['EPIPE', 'ECONNRESET'].includes(error.code ?? '')) reject(error);
        });
        request.on('close', () => responded || resolve('reset'));
        request.end(huge);
      },
    );
    if (outcome !== 'reset') {
      expect(outcome.status).toBe(413);
      expect(JSON.parse(outcome.body)).toMatchObject({
        statusCode: 413,
        error: 'Payload Too Large',
      });
    }
    expect(await jobCount()).toBe(before);
    expect(await chatKeys()).toEqual([]);
    expect(stack.gateway.alive).toBe(true);
    // ...and it still answers.
    expect((await webim.post({ event: 'chat_closed', chat: { id: 'c-after' } })).status).toBe(200);
  });

  it('refuses prototype-pollution keys', async () => {
    await expectRejected(
      '{"event":"new_message","chat":{"id":"c1"},"kind":"visitor","text":"x","__proto__":{"polluted":1}}',
      400,
    );
  });

  it('answers an unknown event with 200 and a valid hand-off, running nothing', async () => {
    const before = await jobCount();
    const exchange = await webim.post({ event: 'chat_closed', chat: { id: 'c-unknown' } });
    expect(exchange.status).toBe(200);
    expect(exchange.body).toEqual({ has_answer: false });
    const unknownKind = await webim.post({
      event: 'new_message',
      chat: { id: 'c-unknown' },
      kind: 'file_visitor',
      url: 'x',
    });
    expect(unknownKind.body).toEqual({ has_answer: false });
    expect(await jobCount()).toBe(before);
    // No conversation: only the transcript, which records both hand-offs and why.
    expect(await chatKeys('c-unknown')).toEqual(['wg:chat:{demo:c-unknown}:transcript']);
    const entries = (await stack.client.lrange('wg:chat:{demo:c-unknown}:transcript', 0, -1)).map(
      (e) => JSON.parse(e) as { handoff: { reason: string } },
    );
    expect(entries.map((e) => e.handoff.reason)).toEqual(['unknown_event', 'unsupported_message']);
  });

  it('accepts unknown keys and a missing content type', async () => {
    const exchange = await webim.post({
      event: 'new_chat',
      chat: { id: 'c-extra', topic: 'x' },
      visitor: { id: 'v1', fields: { a: 1 }, phone: 79001234567 },
      future_field: { nested: true },
    });
    expect(exchange.status).toBe(200);
    expect(exchange.body.has_answer).toBe(true);
    const response = await fetch(webim.webhookUrl, {
      method: 'POST',
      body: JSON.stringify({
        event: 'new_message',
        chat: { id: 'c-extra' },
        kind: 'visitor',
        text: 'hello there',
      }),
    });
    expect(response.status).toBe(200);
  });

  it('answers 404 for an unknown channel or a wrong token, reaching no worker', async () => {
    const before = await jobCount();
    const url = new URL(webim.webhookUrl);
    const wrongToken = url.href.replace(/[^/]+$/, 'not-the-token');
    const unknownChannel = url.href.replace('/webim/demo/', '/webim/nope/');
    for (const target of [wrongToken, unknownChannel]) {
      const exchange = await new WebimClient(target).say('c-404', 'hi').catch((e) => e);
      expect(exchange.status).toBe(404);
    }
    expect(await jobCount()).toBe(before);
  });

  it('describes itself on GET, for an admin who opens the URL in a browser', async () => {
    const response = await fetch(webim.webhookUrl);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      method: 'POST',
      channel: { id: 'demo', status: 'active' },
    });
  });

  it('keeps the management API behind the admin token', async () => {
    expect((await fetch(`${stack.baseUrl}/api/channels`)).status).toBe(401);
    const wrong = await fetch(`${stack.baseUrl}/api/channels`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await stack.api('/api/channels')).status).toBe(200);
  });

  it('is still up after all of that', async () => {
    expect(stack.gateway.alive).toBe(true);
    expect(stack.workers[0].alive).toBe(true);
    expect(stack.gateway.logs()).not.toMatch(/"level":(50|60)/);
  });
});
