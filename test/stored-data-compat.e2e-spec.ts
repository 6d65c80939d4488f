import type { Job, Queue, QueueEvents } from 'bullmq';
import { TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';

// An upgrade happens under live chats: whatever version 0.1.0 (commit 91d1e13) left in Redis, a
// conversation half-way, messages waiting in an outbox, a timer with its delayed job, a request
// accepted but not yet run, must be taken over by the current gateway and worker as if no
// process had been replaced. The keys, fields and job payloads below are written the way 0.1.0
// wrote them, without the current code's helpers, so that a change of format fails here.

const AGENT = `
timers:
  nudge: { after: 10m, goto: nudge, cancel_on_message: false }
events:
  shipped: shipped
start: ask
branches:
  ask:
    - say: "Your name?"
    - wait: { save: name }
    - say: "Hello {{name}}. Your order number?"
    - start_timer: nudge
    - goto: listen
  listen:
    - wait: { save: order }
    - say: "Noted {{order}} for {{name}}."
    - goto: listen
  nudge:
    - say: "Still there, {{name}}?"
    - goto: listen
  shipped:
    - say: "Order {{event_order_id}} shipped, {{name}}."
    - goto: listen
`;

// What 0.1.0 stored for chat c-1 of channel "shop" (agent above, version 1) after the visitor
// started the chat, answered "Ada" to the first question (which started the timer), and two
// incoming requests ran while the visitor was silent. Values copied from that version's Redis.
const CHAT_KEY = 'wg:chat:{shop:c-1}';
const OUTBOX_KEY = 'wg:chat:{shop:c-1}:outbox';
const TRANSCRIPT_KEY = 'wg:chat:{shop:c-1}:transcript';
const CHATS_INDEX_KEY = 'wg:chats:shop';
const OLD_CHAT_FIELDS = {
  state:
    '{"agentId":"shop","agentVersion":1,"state":{"v":1,"status":"waiting","branch":"listen",' +
    '"step":0,"vars":{"channel_conversation_id":"c-1","channel_chat_id":"c-1|webim",' +
    '"channel_visitor_id":"visitor-c-1","client_message":"Ada","name":"Ada",' +
    '"event_order_id":"A-2"},"turns":4}}',
  seq: '2',
  // <request hash>|<turn id>|<admitted at>: the dedupe of a re-sent request.
  last: '61f483184a36d2e2b5aa5a4a9c23fcd3e6abb39c|076ae84c51-2|1796039669722',
  // Every commit wrote the field, empty when the turn did not hand off.
  handoff: '',
};
const OLD_OUTBOX = [
  '{"type":"text","text":"Order A-1 shipped, Ada."}',
  '{"type":"text","text":"Order A-2 shipped, Ada."}',
];
const OLD_TRANSCRIPT = [
  '{"at":"2026-11-30T11:54:29.660Z","source":"webim","input":{"kind":"chat_started","vars":' +
    '{"channel_conversation_id":"c-1","channel_chat_id":"c-1|webim","channel_visitor_id":' +
    '"visitor-c-1"}},"turn":"076ae84c51-1","messages":[{"type":"text","text":"Your name?"}],' +
    '"handoff":null,"delivered":[]}',
  '{"at":"2026-11-30T11:54:29.735Z","source":"webim","input":{"kind":"text","text":"Ada",' +
    '"vars":{"channel_conversation_id":"c-1","channel_chat_id":"c-1|webim"}},"turn":' +
    '"076ae84c51-2","messages":[{"type":"text","text":"Hello Ada. Your order number?"}],' +
    '"handoff":null,"delivered":[]}',
  '{"at":"2026-11-30T11:54:32.502Z","source":"event","name":"shipped","data":{"order_id":"A-1"},' +
    '"turn":"p-570d54790a301a3e","messages":[{"type":"text","text":"Order A-1 shipped, Ada."}],' +
    '"dropped":0}',
  '{"at":"2026-11-30T11:54:32.565Z","source":"event","name":"shipped","data":{"order_id":"A-2"},' +
    '"turn":"p-0ac4aaa3082faf78","messages":[{"type":"text","text":"Order A-2 shipped, Ada."}],' +
    '"dropped":0}',
];
const OLD_LAST_ACTIVITY_MS = 1796039672566;
const CONVERSATION_TTL_SEC = 86400;
const TRANSCRIPT_RETENTION_SEC = 604800;

/** The proactive queue as 0.1.0 named it; its jobs are only found under this name. */
const PROACTIVE_QUEUE = 'webim-proactive';

const text = (t: string) => ({ type: 'text', text: t });

describe('chats stored by version 0.1.0', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let queue: Queue;
  let events: QueueEvents;
  let timerJobId: string;
  let timerFired: Promise<unknown>;
  let oldEventRan: Promise<unknown>;

  /**
   * Writes the chat as 0.1.0 left it, plus what it had in flight: the timer, with the delayed
   * job and the hash fields its worker wrote, and an incoming request its gateway accepted that
   * no worker has run yet. The timer is due in a second and a half (its agent says 10 minutes:
   * as if started long ago), late enough for the next answer to go out before it fires.
   */
  async function writeOldChat(): Promise<{ timer: Job; event: Job }> {
    const timerDue = Date.now() + 1500;
    timerJobId = `timer.shop.c-1.shop.nudge.${timerDue}`;
    await stack.client
      .multi()
      .hset(CHAT_KEY, {
        ...OLD_CHAT_FIELDS,
        'timer:shop:nudge': String(timerDue),
        'armed:shop:nudge': `${timerJobId}|${timerDue}`,
      })
      .expire(CHAT_KEY, CONVERSATION_TTL_SEC)
      .rpush(OUTBOX_KEY, ...OLD_OUTBOX)
      .expire(OUTBOX_KEY, CONVERSATION_TTL_SEC)
      .rpush(TRANSCRIPT_KEY, ...OLD_TRANSCRIPT)
      .expire(TRANSCRIPT_KEY, TRANSCRIPT_RETENTION_SEC)
      .zadd(CHATS_INDEX_KEY, OLD_LAST_ACTIVITY_MS, 'c-1')
      .expire(CHATS_INDEX_KEY, TRANSCRIPT_RETENTION_SEC)
      .exec();
    const timer = await queue.add(
      'timer',
      { v: 1, kind: 'timer', channelId: 'shop', chatId: 'c-1', agentId: 'shop', name: 'nudge' },
      {
        jobId: timerJobId,
        delay: Math.max(0, timerDue - Date.now()),
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 86400 },
      },
    );
    const event = await queue.add(
      'event',
      {
        v: 1,
        kind: 'event',
        channelId: 'shop',
        chatId: 'c-1',
        agentId: 'shop',
        name: 'shipped',
        data: { order_id: 'A-3' },
      },
      {
        jobId: 'event.shop.c-1.ship-3',
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 86400 },
        removeOnFail: { age: 86400 },
      },
    );
    return { timer, event };
  }

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.addChannel('shop', AGENT));
    ({ queue, events } = await stack.bull(PROACTIVE_QUEUE));
    const { timer, event } = await writeOldChat();
    // Listening from the start: the timer's job is removed as soon as it completes.
    timerFired = timer.waitUntilFinished(events, 15_000);
    oldEventRan = event.waitUntilFinished(events, 15_000);
    // Awaited by the tests; a test that fails first must not leave them unhandled.
    timerFired.catch(() => undefined);
    oldEventRan.catch(() => undefined);
  });
  afterAll(() => stack.close());

  const outbox = async () =>
    (await stack.client.lrange(OUTBOX_KEY, 0, -1)).map((m) => JSON.parse(m));
  const sendEvent = (key: string, orderId: string) =>
    stack.api('/api/channels/shop/chats/c-1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ name: 'shipped', data: { order_id: orderId } }),
    });

  it('runs the request the old gateway accepted, behind the messages already buffered', async () => {
    expect(await oldEventRan).toEqual({ status: 'delivered', messages: 1, dropped: 0 });
    expect(await outbox()).toEqual([
      text('Order A-1 shipped, Ada.'),
      text('Order A-2 shipped, Ada.'),
      text('Order A-3 shipped, Ada.'),
    ]);
  });

  it('answers the next request in the stored conversation, the buffered messages first, once', async () => {
    // "Noted … for Ada." needs the stored position (waiting to save `order`) and variable.
    expect(transcript((await webim.say('c-1', '777')).body)).toEqual([
      'Order A-1 shipped, Ada.',
      'Order A-2 shipped, Ada.',
      'Order A-3 shipped, Ada.',
      'Noted 777 for Ada.',
    ]);
    expect(await outbox()).toEqual([]);
  });

  it('fires the timer the old worker armed, and its message comes with the following answer', async () => {
    expect(await timerFired).toEqual({ status: 'delivered', messages: 1, dropped: 0 });
    expect(await outbox()).toEqual([text('Still there, Ada?')]);
    // A fired timer is cleared: neither its due time nor its job stays behind.
    const fields = await stack.client.hgetall(CHAT_KEY);
    expect(Object.keys(fields).filter((f) => f.includes('nudge'))).toEqual([]);
    expect(await queue.getJob(timerJobId)).toBeUndefined();

    expect(transcript((await webim.say('c-1', '888')).body)).toEqual([
      'Still there, Ada?',
      'Noted 888 for Ada.',
    ]);
    expect(await outbox()).toEqual([]);
  });

  it('runs an incoming request in that chat; a retry of the one the old gateway accepted adds nothing', async () => {
    const retry = await sendEvent('ship-3', 'A-3');
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ id: 'event.shop.c-1.ship-3' });

    const fresh = await sendEvent('ship-4', 'A-4');
    expect(fresh.status).toBe(202);
    const { id } = (await fresh.json()) as { id: string };
    expect(await (await queue.getJob(id))!.waitUntilFinished(events, 10_000)).toEqual({
      status: 'delivered',
      messages: 1,
      dropped: 0,
    });
    expect(transcript((await webim.say('c-1', '999')).body)).toEqual([
      'Order A-4 shipped, Ada.',
      'Noted 999 for Ada.',
    ]);
  });

  it('fires a timer armed under the job id 0.1.0 gave it in a chat whose id has a dot', async () => {
    // 0.1.0 joined the parts of a job id with unescaped dots; the current code escapes a dot
    // inside a part, so this chat's timer job has an id the current code would not give it.
    // The job, and the chat's `armed` field, still name the old one.
    const chatKey = 'wg:chat:{shop:c.2}';
    const due = Date.now() + 300;
    const oldJobId = `timer.shop.c.2.shop.nudge.${due}`;
    await stack.client
      .multi()
      .hset(chatKey, {
        ...OLD_CHAT_FIELDS,
        'timer:shop:nudge': String(due),
        'armed:shop:nudge': `${oldJobId}|${due}`,
      })
      .expire(chatKey, CONVERSATION_TTL_SEC)
      .exec();
    const job = await queue.add(
      'timer',
      { v: 1, kind: 'timer', channelId: 'shop', chatId: 'c.2', agentId: 'shop', name: 'nudge' },
      {
        jobId: oldJobId,
        delay: Math.max(0, due - Date.now()),
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 86400 },
      },
    );
    expect(await job.waitUntilFinished(events, 15_000)).toEqual({
      status: 'delivered',
      messages: 1,
      dropped: 0,
    });
    expect(await stack.conversations.outbox('shop', 'c.2')).toEqual([text('Still there, Ada?')]);
    const fields = await stack.client.hgetall(chatKey);
    expect(Object.keys(fields).filter((f) => f.includes('nudge'))).toEqual([]);
  });

  it('keeps counting the old turns and lists the old transcript entries before the new ones', async () => {
    // Three requests admitted since the two 0.1.0 counted.
    expect(await stack.client.hget(CHAT_KEY, 'seq')).toBe('5');

    const response = await stack.api('/api/channels/shop/chats/c-1');
    expect(response.status).toBe(200);
    const chat = (await response.json()) as {
      conversation: { agentId: string; state: Record<string, unknown> };
      bufferedMessages: unknown[];
      transcript: Record<string, unknown>[];
    };
    expect(chat.bufferedMessages).toEqual([]);
    // Four turns run by 0.1.0, six since: two events, a timer and three requests.
    expect(chat.conversation.state).toMatchObject({
      status: 'waiting',
      branch: 'listen',
      step: 0,
      turns: 10,
      vars: expect.objectContaining({ name: 'Ada', order: '999', event_order_id: 'A-4' }),
    });
    expect(chat.transcript.slice(0, 4)).toEqual(OLD_TRANSCRIPT.map((e) => JSON.parse(e)));
    const said = (...texts: string[]) => texts.map(text);
    expect(chat.transcript.slice(4)).toEqual([
      expect.objectContaining({
        source: 'event',
        data: { order_id: 'A-3' },
        messages: said('Order A-3 shipped, Ada.'),
      }),
      expect.objectContaining({
        source: 'webim',
        input: expect.objectContaining({ text: '777' }),
        delivered: said(
          'Order A-1 shipped, Ada.',
          'Order A-2 shipped, Ada.',
          'Order A-3 shipped, Ada.',
        ),
        messages: said('Noted 777 for Ada.'),
      }),
      expect.objectContaining({
        source: 'timer',
        name: 'nudge',
        messages: said('Still there, Ada?'),
      }),
      expect.objectContaining({
        source: 'webim',
        input: expect.objectContaining({ text: '888' }),
        delivered: said('Still there, Ada?'),
        messages: said('Noted 888 for Ada.'),
      }),
      expect.objectContaining({
        source: 'event',
        data: { order_id: 'A-4' },
        messages: said('Order A-4 shipped, Ada.'),
      }),
      expect.objectContaining({
        source: 'webim',
        input: expect.objectContaining({ text: '999' }),
        delivered: said('Order A-4 shipped, Ada.'),
        messages: said('Noted 999 for Ada.'),
      }),
    ]);
  });
});
