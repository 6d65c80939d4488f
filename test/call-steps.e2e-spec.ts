import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROACTIVE_QUEUE, TURN_QUEUE } from '@app/conversation';
import { FakeBackend } from './support/fake-backend';
import { dumpRedis } from './support/redis-dump';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';
import { transcript, WebimClient } from './support/webim-client';

// A visitor's turn that reaches a `call` step: the worker sends the request to a real HTTP
// backend under the turn's deadline and goes on with its outcome, all inside Webim's window.

const REPLY_BUDGET_MS = 3000;
const SECRETS_KEY = randomBytes(32).toString('hex');

const agent = (backend: string, outside: string) => `
events:
  lookup: slow_lookup
start: ask
branches:
  ask:
    - wait: { save: order }
    - route:
        - { text: '^missing$', goto: missing }
        - { text: '^hang$', goto: hang }
        - { text: '^bare$', goto: bare }
        - { text: '^outside$', goto: outside }
        - { text: '^outside-bare$', goto: outside_bare }
        - { goto: lookup }
  lookup:
    - call:
        url: '${backend}/orders/{{order}}'
        headers: { x-shop-key: '{{secret.SHOP_KEY}}' }
        save: { state: body.status, code: status }
        timeout: 2s
        on: { error: sorry, timeout: slow }
    - say: 'Order {{order}} is {{state}} ({{code}})'
    - goto: ask
  missing:
    - call:
        url: '${backend}/status/404'
        save: { code: status }
        on: { error: sorry, timeout: slow }
    - say: 'Unexpected'
  hang:
    - call: { url: '${backend}/hang', on: { error: sorry, timeout: slow } }
    - say: 'Unexpected'
  bare:
    - call: { url: '${backend}/hang' }
    - say: 'Unexpected'
  outside:
    - call: { url: '${outside}/json', save: { code: status }, on: { error: sorry } }
    - say: 'Unexpected'
  outside_bare:
    - call: { url: '${outside}/json' }
    - say: 'Unexpected'
  slow_lookup:
    - call: { url: '${backend}/slow?ms={{event_ms}}', on: { error: sorry, timeout: slow } }
    - say: 'Looked up {{event_tag}}'
    - goto: ask
  sorry:
    - say: 'Sorry, that failed ({{code}})'
    - goto: ask
  slow:
    - say: 'The shop is slow today'
    - goto: ask
`;

describe('call steps in a visitor turn', () => {
  let stack: TestStack;
  let backend: FakeBackend;
  let webim: WebimClient;
  const shopKey = `shop-key-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    backend = await FakeBackend.start();
    stack = await TestStack.start({
      env: { REPLY_BUDGET_MS: String(REPLY_BUDGET_MS), SECRETS_KEY },
    });
    await stack.storeSecret('SHOP_KEY', shopKey);
    // `localhost` is not in the stack's EGRESS_ALLOWED_HOSTS (127.0.0.1 is).
    const outside = `http://localhost:${backend.port}`;
    webim = stack.webim(await stack.addChannel('shop', agent(backend.url(''), outside)));
  });
  afterAll(async () => {
    await stack?.close();
    await backend?.stop();
  });

  const handoffOf = async (chatId: string) =>
    (await stack.conversations.read('shop', chatId)).handoff;

  it('answers with the variables a fast 200 saved, its secret header sent to the backend', async () => {
    await webim.newChat('fast');
    const exchange = await webim.say('fast', 'A-17');
    expect(transcript(exchange.body)).toEqual(['Order A-17 is shipped (200)']);
    expect(exchange.ms).toBeLessThan(REPLY_BUDGET_MS);
    const request = backend.received.find((r) => r.path === '/orders/A-17');
    expect(request?.headers['x-shop-key']).toBe(shopKey);
    // The transcript keeps what was sent and got, the secret as its name.
    const entries = await stack.conversations.transcripts.read('shop', 'fast');
    expect(entries.at(-1)?.requests).toEqual([
      {
        step: 'call',
        sent: `GET ${backend.url('/orders/A-17')}`,
        headers: ['x-shop-key: <secret SHOP_KEY>'],
        outcome: 'ok',
        status: 200,
        received: '{"id":"A-17","status":"shipped"}',
        ms: expect.any(Number),
      },
    ]);
  });

  it('keeps the secret out of every log line, job and stored key', async () => {
    await webim.newChat('leak');
    expect(transcript((await webim.say('leak', 'B-2')).body)).toEqual([
      'Order B-2 is shipped (200)',
    ]);
    const { queue } = await stack.bull(TURN_QUEUE);
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting'], 0, 1000);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(JSON.stringify([job.data, job.returnvalue, job.failedReason])).not.toContain(shopKey);
    }
    for (const [key, value] of await dumpRedis(stack.client)) {
      expect(`${key} ${value}`).not.toContain(shopKey);
    }
    expect(stack.allLogs()).not.toContain(shopKey);
  });

  it("warns at training about a timeout this deployment's reply budget cuts short", async () => {
    const response = await stack.api('/api/agents/budget', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: "start: a\nbranches:\n  a:\n    - call: { url: 'https://shop.example.com/x', timeout: 3s, on: { timeout: a } }\n",
    });
    expect(response.status).toBe(200);
    const { warnings } = (await response.json()) as { warnings: Array<{ message: string }> };
    expect(warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining(`REPLY_BUDGET_MS (${REPLY_BUDGET_MS} ms in this deployment)`),
    );
  });

  it('takes the error branch on a 404, with its status saved', async () => {
    await webim.newChat('missing');
    expect(transcript((await webim.say('missing', 'missing')).body)).toEqual([
      'Sorry, that failed (404)',
    ]);
  });

  it("answers a hanging backend with the timeout branch's message inside the reply budget", async () => {
    await webim.newChat('hang');
    const exchange = await webim.say('hang', 'hang');
    expect(transcript(exchange.body)).toEqual(['The shop is slow today']);
    expect(exchange.ms).toBeLessThan(REPLY_BUDGET_MS);
  });

  it('hands off with call_timeout inside the reply budget when the step has no timeout branch', async () => {
    await webim.newChat('bare');
    const exchange = await webim.say('bare', 'bare');
    expect(exchange.body).toEqual({ has_answer: false });
    expect(exchange.ms).toBeLessThan(REPLY_BUDGET_MS);
    // The worker's hand-off, not the gateway's at the budget: it carries the step's reason.
    expect(await handoffOf('bare')).toMatchObject({ reason: 'call_timeout' });
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/webim_answers_total\{[^}]*reason="call_timeout"[^}]*\} 1/);
  });

  it('takes the error branch for a host outside EGRESS_ALLOWED_HOSTS, or hands off with call_failed', async () => {
    const before = backend.received.length;
    await webim.newChat('outside');
    expect(transcript((await webim.say('outside', 'outside')).body)).toEqual([
      'Sorry, that failed ()',
    ]);
    await webim.newChat('outside-bare');
    expect((await webim.say('outside-bare', 'outside-bare')).body).toEqual({ has_answer: false });
    expect(await handoffOf('outside-bare')).toMatchObject({ reason: 'call_failed' });
    expect(backend.received.length).toBe(before);
  });

  it("holds the chat through an event's call longer than its lease, then runs the next event", async () => {
    const { queue, events } = await stack.bull(PROACTIVE_QUEUE);
    await webim.newChat('event');
    const send = async (data: Record<string, string>) => {
      const response = await stack.api('/api/channels/shop/chats/event/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'lookup', data }),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    };
    const first = await send({ ms: '6500', tag: 'first' });
    await waitFor('the slow lookup to reach the backend', () =>
      backend.received.some((r) => r.path === '/slow'),
    );
    // Past the first turn's 5 s lease as it was claimed: only its renewals keep the second
    // turn, which would otherwise drop it as abandoned, waiting behind it.
    await sleep(5500);
    const second = await send({ ms: '0', tag: 'second' });
    const results = await Promise.all(
      [first, second].map(async (id) =>
        (await queue.getJob(id))!.waitUntilFinished(events, 15_000),
      ),
    );
    expect(results).toEqual([
      { status: 'delivered', messages: 1, dropped: 0 },
      { status: 'delivered', messages: 1, dropped: 0 },
    ]);
    expect(await stack.conversations.outbox('shop', 'event')).toEqual([
      { type: 'text', text: 'Looked up first' },
      { type: 'text', text: 'Looked up second' },
    ]);
  });
});
