import type { Queue, QueueEvents } from 'bullmq';
import { PROACTIVE_QUEUE } from '@app/conversation';
import { TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';

// Ids from outside (Webim's chat ids, the management API's path segments, Idempotency-Keys)
// follow one rule wherever they arrive: an id the webhook accepts works on the management API
// too, an id that breaks the rule is refused before it reaches Redis or a log line, and ids
// built from several of them (BullMQ job ids) never collide.

const AGENT = `
events:
  ping: ping
start: hello
branches:
  hello:
    - say: "Hello."
    - goto: listen
  listen:
    - wait: { save: said }
    - say: "Heard {{said}}."
    - goto: listen
  ping:
    - say: "Ping {{event_n}}."
    - goto: listen
`;

/** The body of an error answer: the product's one error format, with nothing else. */
interface ErrorAnswer {
  statusCode: number;
  error: string;
  message: string;
  details?: { path: string; message: string }[];
}

describe('ids', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.addChannel('shop', AGENT));
    ({ queue, events } = await stack.bull(PROACTIVE_QUEUE));
  });
  afterAll(() => stack.close());

  /**
   * Every Redis key, and every member of the chats index, that contains `marker`: the first 80
   * characters of each, and its length.
   */
  async function storedWith(marker: string): Promise<string[]> {
    const found: string[] = [];
    for await (const keys of stack.client.scanStream({ count: 1000 })) {
      for (const key of keys as string[]) if (key.includes(marker)) found.push(key);
    }
    const indexed = await stack.client.zrange('wg:chats:shop', 0, '-1');
    found.push(...indexed.filter((member) => member.includes(marker)));
    return found.map((text) => `${text.slice(0, 80)} (${text.length})`);
  }

  /** Posts a raw JSON text to the webhook: how a lone surrogate's `\ud800` escape gets there. */
  async function postRaw(json: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(webim.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    return { status: response.status, body: await response.json() };
  }

  async function expectErrorFormat(response: Response, status: number): Promise<ErrorAnswer> {
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorAnswer;
    expect(body).toMatchObject({ statusCode: status, error: expect.any(String) });
    expect(typeof body.message).toBe('string');
    // Nothing of the framework's own error bodies (a `code`, the path echoed back).
    expect(Object.keys(body).sort()).toEqual(
      body.details
        ? ['details', 'error', 'message', 'statusCode']
        : ['error', 'message', 'statusCode'],
    );
    return body;
  }

  const sendEvent = (chatPath: string, n: string, key: string) =>
    stack.api(`/api/channels/shop/chats/${chatPath}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ name: 'ping', data: { n } }),
    });

  it('answers an unknown event with a 255 KB chat id safely, storing and logging nothing of it', async () => {
    const marker = `huge-${Date.now()}-`;
    const chatId = marker + 'x'.repeat(255 * 1024 - marker.length);
    const exchange = await webim.post({ event: 'chat_closed', chat: { id: chatId } });
    expect(exchange.status).toBe(200);
    expect(exchange.body).toEqual({ has_answer: false });

    expect(await storedWith(marker)).toEqual([]);
    // The refusal is logged, with a short form of the id that cannot be mistaken for it.
    await stack.gateway.waitForLog(/unknown_event/);
    const logs = stack.gateway.logs();
    expect(logs).toContain(marker);
    expect(logs).not.toContain(chatId.slice(0, 1024));
  });

  it('refuses a chat id with a lone surrogate consistently, and the channel keeps answering', async () => {
    const lone = 'lone-\\ud800-id';
    // A Webim request for such a chat: refused as invalid, whatever its event, never a 5xx.
    for (let i = 0; i < 6; i++) {
      const answer = await postRaw(
        `{"event":"new_message","chat":{"id":"${lone}"},"kind":"visitor","text":"hi ${i}"}`,
      );
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('chat.id');
    }
    expect(
      (await postRaw(`{"event":"new_chat","chat":{"id":"${lone}"},"visitor":{"id":"v"}}`)).status,
    ).toBe(400);
    expect(await postRaw(`{"event":"chat_closed","chat":{"id":"${lone}"}}`)).toEqual({
      status: 200,
      body: { has_answer: false },
    });
    // Nothing was written under the id's lossy UTF-8 form (U+FFFD), nor under its prefix.
    expect(await storedWith('\ufffd')).toEqual([]);
    expect(await storedWith('lone-')).toEqual([]);

    // The other chats of the channel are answered by the bot, not handed off.
    expect(transcript((await webim.newChat('after-lone')).body)).toEqual(['Hello.']);
    expect(transcript((await webim.say('after-lone', 'x')).body)).toEqual(['Heard x.']);

    // The management API says the same of the id (it can only arrive there as broken UTF-8).
    const chat = await stack.api('/api/channels/shop/chats/lone-%ED%A0%80-id');
    const body = await expectErrorFormat(chat, 400);
    expect(body.message).not.toContain('%ED');
  });

  it('serves a 150-character chat id on the webhook and on the management API', async () => {
    const chatId = `long-${'a'.repeat(145)}`;
    expect(transcript((await webim.newChat(chatId)).body)).toEqual(['Hello.']);

    const read = await stack.api(`/api/channels/shop/chats/${chatId}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ channelId: 'shop', chatId });

    const sent = await sendEvent(chatId, '150', 'k-150');
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    await (await queue.getJob(id))!.waitUntilFinished(events, 10_000);
    expect(transcript((await webim.say(chatId, 'y')).body)).toEqual(['Ping 150.', 'Heard y.']);
  });

  it('serves the longest chat id the rule allows, in any script and with reserved characters', async () => {
    // 256 characters and 512 bytes of UTF-8: about 1,500 characters once percent-encoded.
    const chatId = `/?#%.: ${'中'.repeat(7)}${'я'.repeat(242)}`;
    expect([...chatId]).toHaveLength(256);
    expect(Buffer.byteLength(chatId)).toBe(512);
    expect(transcript((await webim.newChat(chatId, { visitor: { id: 'v' } })).body)).toEqual([
      'Hello.',
    ]);

    const read = await stack.api(`/api/channels/shop/chats/${encodeURIComponent(chatId)}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ chatId });
    expect((await sendEvent(encodeURIComponent(chatId), 'max', 'k-max')).status).toBe(202);
  });

  it('answers an id beyond the rule on the management API with 400 in the error format', async () => {
    for (const chatPath of [
      'x'.repeat(257),
      'x'.repeat(5000),
      encodeURIComponent('я'.repeat(257)),
    ]) {
      for (const path of [
        `/api/channels/shop/chats/${chatPath}`,
        `/api/channels/shop/chats/${chatPath}/events`,
      ]) {
        const response = await stack.api(path, {
          method: path.endsWith('/events') ? 'POST' : 'GET',
          headers: { 'content-type': 'application/json' },
          body: path.endsWith('/events') ? JSON.stringify({ name: 'ping' }) : undefined,
        });
        const body = await expectErrorFormat(response, 400);
        expect(body.message).not.toContain('xxxxxxxxxx');
      }
    }
    const channel = await stack.api(`/api/channels/${'c'.repeat(500)}`);
    await expectErrorFormat(channel, 400);
    const badKey = await sendEvent('after-lone', '1', 'key with spaces');
    await expectErrorFormat(badKey, 400);
  });

  it('delivers two incoming requests whose chat ids and keys differ only in where a dot falls', async () => {
    await webim.newChat('x');
    await webim.newChat('x.y');
    const first = await sendEvent('x', 'one', 'y.z');
    const second = await sendEvent('x.y', 'two', 'z');
    expect([first.status, second.status]).toEqual([202, 202]);
    const ids = [first, second].map(async (r) => ((await r.json()) as { id: string }).id);
    const [a, b] = await Promise.all(ids);
    expect(a).not.toBe(b);
    for (const id of [a, b]) await (await queue.getJob(id))!.waitUntilFinished(events, 10_000);
    expect(transcript((await webim.say('x', '1')).body)).toEqual(['Ping one.', 'Heard 1.']);
    expect(transcript((await webim.say('x.y', '2')).body)).toEqual(['Ping two.', 'Heard 2.']);
  });
});
