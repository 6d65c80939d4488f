import { randomBytes } from 'node:crypto';
import { PROACTIVE_QUEUE } from '@app/conversation';
import { FakeBackend } from './support/fake-backend';
import { dumpRedis } from './support/redis-dump';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';
import { transcript, WebimClient } from './support/webim-client';

// "Answer now, finish later": a visitor's turn that reaches a call step with `then: later`
// answers at once; the request goes on after the answer, and the rest of its branch is
// delivered with the chat's next answer, once, in the chat's order. The backend holds each
// request until the test releases it, so nothing here depends on timing.

const SECRETS_KEY = randomBytes(32).toString('hex');

const agent = (backend: string) => `
start: ask
events: { ping: ping }
branches:
  ask:
    - wait: { save: order }
    - route:
        - { text: '^slow ', goto: slow_lookup }
        - { goto: lookup }
  lookup:
    - say: 'Let me check {{order}}'
    - call:
        url: '${backend}/held/{{order}}'
        headers: { x-shop-key: '{{secret.SHOP_KEY}}' }
        save: { state: body.status }
        timeout: 20s
        then: later
        on: { error: sorry, timeout: sorry }
    - say: 'Order {{order}} is {{state}}'
    - wait: { save: meanwhile }
    - say: 'You said: {{meanwhile}}'
    - goto: ask
  slow_lookup:
    - say: 'This one takes a while'
    - call: { url: '${backend}/hang', timeout: 1s, then: later, on: { timeout: sorry } }
    - say: 'Unexpected'
  sorry:
    - say: 'The shop did not answer'
    - goto: ask
  ping:
    - say: 'Pong'
`;

describe('call steps with then: later', () => {
  let stack: TestStack;
  let backend: FakeBackend;
  let webim: WebimClient;
  const shopKey = `shop-key-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    backend = await FakeBackend.start();
    stack = await TestStack.start({ env: { SECRETS_KEY, WORKER_LOCK_MS: '1000' } });
    await stack.storeSecret('SHOP_KEY', shopKey);
    webim = stack.webim(await stack.addChannel('shop', agent(backend.url(''))));
  });
  afterAll(async () => {
    await stack?.close();
    await backend?.stop();
  });

  const outbox = (chatId: string) => stack.conversations.outbox('shop', chatId);
  const heldRequest = (key: string) =>
    waitFor(`the request for ${key} to reach the backend`, () => backend.held(key) > 0);
  const lookedUp = (chatId: string, count = 1) =>
    waitFor(`the rest of the branch in ${chatId}'s outbox`, async () => {
      const messages = await outbox(chatId);
      return messages.length >= count && messages;
    });

  it('answers at once, and delivers the rest once with the next answer', async () => {
    await webim.newChat('now');
    const first = await webim.say('now', 'A-1');
    expect(transcript(first.body)).toEqual(['Let me check A-1']);
    await heldRequest('A-1');
    expect(await outbox('now')).toEqual([]);

    backend.release('A-1');
    expect(await lookedUp('now')).toEqual([{ type: 'text', text: 'Order A-1 is shipped' }]);
    const next = await webim.say('now', 'thanks');
    expect(transcript(next.body)).toEqual(['Order A-1 is shipped', 'You said: thanks']);
    const after = await webim.say('now', 'B-1');
    expect(transcript(after.body)).toEqual(['Let me check B-1']);
    await heldRequest('B-1');
    backend.release('B-1');
    expect(await lookedUp('now')).toEqual([{ type: 'text', text: 'Order B-1 is shipped' }]);
  });

  it('holds what the visitor writes meanwhile for the rest of the branch', async () => {
    await webim.newChat('meanwhile');
    expect(transcript((await webim.say('meanwhile', 'C-1')).body)).toEqual(['Let me check C-1']);
    await heldRequest('C-1');
    const waiting = await webim.say('meanwhile', 'hello?');
    expect(waiting.body).toEqual({ has_answer: true, messages: [] });
    await webim.say('meanwhile', 'anyone?');

    backend.release('C-1', 'packed');
    await lookedUp('meanwhile', 2);
    const next = await webim.say('meanwhile', 'D-1');
    expect(transcript(next.body)).toEqual([
      'Order C-1 is packed',
      'You said: hello?\nanyone?',
      'Let me check D-1',
    ]);
    await heldRequest('D-1');
    backend.release('D-1');
    await lookedUp('meanwhile');
  });

  it('runs an incoming request that came meanwhile after the rest of the branch', async () => {
    await webim.newChat('event');
    await webim.say('event', 'E-1');
    await heldRequest('E-1');
    const sent = await stack.api('/api/channels/shop/chats/event/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ping', data: {} }),
    });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    const { queue } = await stack.bull(PROACTIVE_QUEUE);
    // The event waits for the branch: it is put off, not run or dropped.
    await waitFor('the event to be put off', async () => (await queue.getJob(id))?.isDelayed());
    expect(await outbox('event')).toEqual([]);

    backend.release('E-1');
    expect(await lookedUp('event', 2)).toEqual([
      { type: 'text', text: 'Order E-1 is shipped' },
      { type: 'text', text: 'Pong' },
    ]);
  });

  it("takes the step's timeout branch later, after the answer", async () => {
    await webim.newChat('hang');
    const first = await webim.say('hang', 'slow one');
    expect(transcript(first.body)).toEqual(['This one takes a while']);
    expect(await lookedUp('hang')).toEqual([{ type: 'text', text: 'The shop did not answer' }]);
  });

  it('delivers the rest once when the worker making the request dies', async () => {
    await webim.newChat('crash');
    await webim.say('crash', 'F-1');
    await heldRequest('F-1');
    const worker = stack.workers.find((w) => w.alive)!;
    await worker.kill('SIGKILL');
    await stack.startWorker();
    // The job is taken over: its request is sent again.
    await waitFor('the request to be sent again', () => backend.held('F-1') > 1, {
      timeoutMs: 15_000,
    });
    backend.release('F-1');
    await lookedUp('crash');
    const next = await webim.say('crash', 'ok');
    expect(transcript(next.body)).toEqual(['Order F-1 is shipped', 'You said: ok']);
  });

  it('keeps the secret out of job data, stored keys and logs', async () => {
    const { queue } = await stack.bull(PROACTIVE_QUEUE);
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    for (const job of jobs) expect(JSON.stringify(job.data)).not.toContain(shopKey);
    for (const [key, value] of await dumpRedis(stack.client)) {
      expect(`${key} ${value}`).not.toContain(shopKey);
    }
    expect(stack.allLogs()).not.toContain(shopKey);
    const request = backend.received.find((r) => r.path === '/held/A-1');
    expect(request?.headers['x-shop-key']).toBe(shopKey);
  });
});
