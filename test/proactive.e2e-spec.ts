import type { Queue, QueueEvents } from 'bullmq';
import { PROACTIVE_QUEUE, timerFields } from '@app/conversation';
import { TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';
import { waitFor } from './support/wait-for';

// Timers and incoming requests: what they say waits in the chat's outbox and goes out, in
// order and once, at the head of the chat's next answer.

const AGENT = `
timers:
  nudge: { after: 1s, goto: nudge }
events:
  shipped: shipped
start: ask
branches:
  ask:
    - say: "Your order number?"
    - start_timer: nudge
    - goto: listen
  listen:
    - wait: { save: order }
    - route:
        - { text: "^person$", goto: person }
        - { goto: thanks }
  thanks:
    - say: "Noted {{order}}."
    - goto: listen
  nudge:
    - say: "Still there?"
    - goto: listen
  shipped:
    - say: "Order {{event_order_id}} shipped."
    - goto: listen
  person:
    - handoff: asked
`;

/** An incoming request whose branch holds its chat for two seconds. */
const SLOW_EVENT_AGENT = `
events:
  report: report
start: hello
branches:
  hello:
    - say: "Hello."
    - goto: listen
  listen:
    - wait: {}
    - say: "Noted."
    - goto: listen
  report:
    - pause: 2000
    - say: "Report ready."
    - goto: listen
`;

describe('proactive messages', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let slow: WebimClient;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.addChannel('shop', AGENT));
    slow = stack.webim(await stack.addChannel('slow', SLOW_EVENT_AGENT));
    ({ queue, events } = await stack.bull(PROACTIVE_QUEUE));
  });
  afterAll(() => stack.close());

  const outbox = (chatId: string) => stack.conversations.outbox('shop', chatId);
  const outboxLength = (chatId: string, n: number) =>
    waitFor(
      `${n} buffered message(s) in ${chatId}`,
      async () => (await outbox(chatId)).length === n,
      {
        timeoutMs: 10_000,
      },
    );
  const sendEvent = (chatId: string, body: unknown, headers: Record<string, string> = {}) =>
    stack.api(`/api/channels/shop/chats/${chatId}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('delivers a timer message at the head of the next answer, once', async () => {
    expect(transcript((await webim.newChat('t1')).body)).toEqual(['Your order number?']);
    await outboxLength('t1', 1); // the timer fired while Webim was silent
    expect(transcript((await webim.say('t1', '123')).body)).toEqual(['Still there?', 'Noted 123.']);
    expect(await outbox('t1')).toEqual([]);
    expect(transcript((await webim.say('t1', '456')).body)).toEqual(['Noted 456.']);
  });

  it('delivers several events and a timer in the order they were produced', async () => {
    await webim.newChat('t2');
    expect((await sendEvent('t2', { name: 'shipped', data: { order_id: 1 } })).status).toBe(202);
    await outboxLength('t2', 1);
    expect((await sendEvent('t2', { name: 'shipped', data: { order_id: '2' } })).status).toBe(202);
    await outboxLength('t2', 2);
    await outboxLength('t2', 3); // then the timer
    expect(transcript((await webim.say('t2', '9')).body)).toEqual([
      'Order 1 shipped.',
      'Order 2 shipped.',
      'Still there?',
      'Noted 9.',
    ]);
  });

  it('leaves the buffer untouched when the answer is a hand-off', async () => {
    await webim.newChat('t3');
    await outboxLength('t3', 1);
    expect((await webim.say('t3', 'person')).body).toEqual({ has_answer: false });
    expect(await outbox('t3')).toEqual([{ type: 'text', text: 'Still there?' }]);
  });

  it('drops an event for a chat that was handed off, and counts it in the log', async () => {
    const response = await sendEvent('t3', { name: 'shipped', data: { order_id: 5 } });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const result = await (await queue.getJob(id))!.waitUntilFinished(events, 10_000);
    expect(result).toEqual({ status: 'dropped' });
    expect(await outbox('t3')).toHaveLength(1);
    await stack.workers[0].waitForLog(/Proactive turn dropped/);
  });

  it('makes retries with the same Idempotency-Key safe', async () => {
    await webim.newChat('t4');
    const key = { 'idempotency-key': 'order-7-shipped' };
    const first = await sendEvent('t4', { name: 'shipped', data: { order_id: 7 } }, key);
    const again = await sendEvent('t4', { name: 'shipped', data: { order_id: 7 } }, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    expect(await again.json()).toEqual({ id });
    await (await queue.getJob(id))!.waitUntilFinished(events, 10_000);
    expect(await outbox('t4')).toEqual([{ type: 'text', text: 'Order 7 shipped.' }]);
  });

  it('runs the slow incoming requests of ten chats at once on one worker', async () => {
    const chats = Array.from({ length: 10 }, (_, i) => `slow-${i}`);
    for (const chat of chats) await slow.newChat(chat);
    // Every job's start and end, in the order Redis recorded them.
    const seen: { event: 'active' | 'completed'; jobId: string }[] = [];
    const onActive = ({ jobId }: { jobId: string }) => seen.push({ event: 'active', jobId });
    const onCompleted = ({ jobId }: { jobId: string }) => seen.push({ event: 'completed', jobId });
    events.on('active', onActive);
    events.on('completed', onCompleted);
    try {
      const ids = await Promise.all(
        chats.map(async (chat) => {
          const response = await stack.api(`/api/channels/slow/chats/${chat}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'report' }),
          });
          expect(response.status).toBe(202);
          return ((await response.json()) as { id: string }).id;
        }),
      );
      const ours = () => seen.filter(({ jobId }) => ids.includes(jobId));
      const beforeFirstEnd = await waitFor(
        'the first of them to end',
        () => {
          const at = ours().findIndex(({ event }) => event === 'completed');
          return at >= 0 && ours().slice(0, at);
        },
        { timeoutMs: 15_000 },
      );
      expect(beforeFirstEnd.filter(({ event }) => event === 'active')).toHaveLength(10);
      await Promise.all(ids.map(async (id) => (await queue.getJob(id))!.waitUntilFinished(events)));
      for (const chat of chats) {
        expect(await stack.conversations.outbox('slow', chat)).toEqual([
          { type: 'text', text: 'Report ready.' },
        ]);
      }
    } finally {
      events.off('active', onActive);
      events.off('completed', onCompleted);
    }
  });

  it('answers 404 for an unknown chat, channel or event name, 400 for bad data, 401 without the token', async () => {
    expect((await sendEvent('nobody', { name: 'shipped' })).status).toBe(404);
    expect((await sendEvent('t4', { name: 'no_such_event' })).status).toBe(404);
    const unknownChannel = await stack.api('/api/channels/nope/chats/t4/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shipped' }),
    });
    expect(unknownChannel.status).toBe(404);
    expect((await sendEvent('t4', { name: 'shipped', data: { nested: { a: 1 } } })).status).toBe(
      400,
    );
    expect((await sendEvent('t4', { name: 'shipped', extra: 1 })).status).toBe(400);
    const anonymous = await fetch(`${stack.baseUrl}/api/channels/shop/chats/t4/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shipped' }),
    });
    expect(anonymous.status).toBe(401);
  });
});

/** A reminder restarted at every menu, as the demo's is; "stop" leaves it cancelled. */
const REMINDER_AGENT = `
timers:
  reminder: { after: 2s, goto: remind }
start: menu
branches:
  menu:
    - say: "Menu"
    - start_timer: reminder
    - wait: {}
    - route:
        - { text: "^stop$", goto: quiet }
        - { goto: menu }
  quiet:
    - say: "Quiet now"
    - wait: {}
    - goto: menu
  remind:
    - say: "Still there?"
    - goto: menu
`;

describe('timer restarts', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.addChannel('menu', REMINDER_AGENT));
    ({ queue, events } = await stack.bull(PROACTIVE_QUEUE));
  });
  afterAll(() => stack.close());

  const fields = timerFields({ agentId: 'menu', name: 'reminder' });
  /** The timer in the chat's hash: when it is due, and the job armed for it. */
  const timer = async (chatId: string) => {
    const [due, armed] = await stack.client.hmget(
      `wg:chat:{menu:${chatId}}`,
      fields.due,
      fields.armed,
    );
    return { due: due === null ? null : Number(due), armedJob: armed?.split('|')[0] ?? null };
  };
  /** Timers are armed just after the answer is committed (and sent): wait for that. */
  const armed = (chatId: string) =>
    waitFor(`the timer of ${chatId}`, async () => {
      const t = await timer(chatId);
      return t.armedJob && (await queue.getJob(t.armedJob)) ? t : false;
    });
  const outbox = (chatId: string) => stack.conversations.outbox('menu', chatId);

  it('a restart moves the due time and keeps the job, which waits again and fires at the new time', async () => {
    await webim.newChat('r-1');
    const first = await armed('r-1');
    await waitFor('the clock to move', () => Date.now() > first.due! - 2000 + 1000);

    await webim.say('r-1', 'again');
    const restarted = await timer('r-1');
    expect(restarted.due!).toBeGreaterThanOrEqual(first.due! + 1000);
    expect(restarted.armedJob).toBe(first.armedJob); // no job added for the restart
    expect(await queue.getDelayedCount()).toBe(1);

    await waitFor('the reminder', async () => (await outbox('r-1')).length > 0, {
      timeoutMs: 10_000,
    });
    // Fired by the first job, postponed once, not at the first due time.
    expect(Date.now()).toBeGreaterThanOrEqual(restarted.due!);
    expect((await outbox('r-1'))[0]).toEqual({ type: 'text', text: 'Still there?' });
  });

  it("the visitor's message cancels it when the branch does not start it again", async () => {
    await webim.newChat('r-2');
    const { armedJob } = await armed('r-2');
    const job = (await queue.getJob(armedJob!))!;
    expect(transcript((await webim.say('r-2', 'stop')).body)).toEqual(['Quiet now']);
    expect((await timer('r-2')).due).toBeNull();

    // The armed job still looks when it is due, finds the timer cancelled, and says nothing.
    expect(await job.waitUntilFinished(events, 10_000)).toEqual({ status: 'cancelled' });
    expect(await timer('r-2')).toEqual({ due: null, armedJob: null });
    expect(await outbox('r-2')).toEqual([]);
  });
});

const NEWS_AGENT = `
events:
  news: news
start: hello
branches:
  hello:
    - say: "Hello"
    - goto: listen
  listen:
    - wait: {}
    - say: "Noted {{client_message}}."
    - goto: listen
  news:
    - say: "News {{event_n}}."
    - goto: listen
`;

describe('a full outbox', () => {
  const OUTBOX_MAX = 3;
  let stack: TestStack;
  let webim: WebimClient;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { OUTBOX_MAX: String(OUTBOX_MAX) } });
    webim = stack.webim(await stack.addChannel('news', NEWS_AGENT));
  });
  afterAll(() => stack.close());

  it('keeps the newest OUTBOX_MAX messages, in order, for the next answer', async () => {
    const { queue, events } = await stack.bull(PROACTIVE_QUEUE);
    expect(transcript((await webim.newChat('n1')).body)).toEqual(['Hello']);
    // One at a time, each buffered before the next is sent: their order is the order sent.
    for (let n = 1; n <= OUTBOX_MAX + 2; n++) {
      const response = await stack.api('/api/channels/news/chats/n1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'news', data: { n } }),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      await (await queue.getJob(id))!.waitUntilFinished(events, 10_000);
    }

    expect(await stack.conversations.outbox('news', 'n1')).toHaveLength(OUTBOX_MAX);
    expect(transcript((await webim.say('n1', 'ok')).body)).toEqual([
      'News 3.',
      'News 4.',
      'News 5.',
      'Noted ok.',
    ]);
    expect(transcript((await webim.say('n1', 'again')).body)).toEqual(['Noted again.']);
  });
});
