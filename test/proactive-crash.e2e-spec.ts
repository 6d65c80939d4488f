import type { Queue, QueueEvents } from 'bullmq';
import { PROACTIVE_QUEUE } from '@app/conversation';
import { TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';
import { waitFor } from './support/wait-for';

// Exactly once, whatever process dies when: buffered messages survive a worker killed between
// a timer's scheduling and its firing, or in the middle of the timer's branch.

const AGENT = `
timers:
  nudge: { after: 1s, goto: nudge }
start: ask
branches:
  ask:
    - say: "Your order number?"
    - start_timer: nudge
    - goto: listen
  listen:
    - wait: {}
    - say: "Noted {{client_message}}."
    - goto: listen
  nudge:
    - say: "Still there?"
    - pause: 1500
    - say: "I can wait."
    - goto: listen
`;

describe('proactive messages when a worker dies', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    // A short job lock, so that a killed worker's job is taken over in about a second.
    stack = await TestStack.start({ env: { WORKER_LOCK_MS: '1000' } });
    webim = stack.webim(await stack.addChannel('crash', AGENT));
    ({ queue, events } = await stack.bull(PROACTIVE_QUEUE));
  });
  afterAll(() => stack.close());

  const outbox = (chatId: string) => stack.conversations.outbox('crash', chatId);
  const liveWorker = () => stack.workers.find((w) => w.alive)!;

  it('fires a timer scheduled before its worker was killed, once, after a restart', async () => {
    expect(transcript((await webim.newChat('k1')).body)).toEqual(['Your order number?']);
    // The worker schedules the timer right after its turn commits: wait until it is there.
    await waitFor(
      'the timer to be scheduled',
      async () => (await queue.getJobCounts('delayed')).delayed === 1,
    );
    await liveWorker().kill('SIGKILL'); // scheduled, not yet fired
    await stack.startWorker();
    await waitFor(
      'the timer branch to buffer its messages',
      async () => (await outbox('k1')).length === 2,
      {
        timeoutMs: 10_000,
      },
    );
    expect(transcript((await webim.say('k1', '1')).body)).toEqual([
      'Still there?',
      'I can wait.',
      'Noted 1.',
    ]);
    expect(transcript((await webim.say('k1', '2')).body)).toEqual(['Noted 2.']);
  });

  it('runs a timer branch whose worker was killed in its middle exactly once', async () => {
    await webim.newChat('k2');
    // The branch is in its pause: kill the worker running it.
    const active = await waitFor(
      'the timer job to be active',
      async () => (await queue.getJobs(['active']))[0],
      {
        timeoutMs: 10_000,
        everyMs: 10,
      },
    );
    expect(active.data.chatId).toBe('k2');
    await liveWorker().kill('SIGKILL');
    expect(await outbox('k2')).toEqual([]); // nothing was committed
    await stack.startWorker();
    const result = await (await queue.getJob(active.id!))?.waitUntilFinished(events, 15_000);
    expect(result).toMatchObject({ status: 'delivered', messages: 2 });
    // The retry ran in the place the killed run held in the chat's order, and left it.
    expect(await stack.client.lrange('wg:chat:{crash:k2}:turns', 0, -1)).toEqual([]);
    expect(transcript((await webim.say('k2', '1')).body)).toEqual([
      'Still there?',
      'I can wait.',
      'Noted 1.',
    ]);
    expect(transcript((await webim.say('k2', '2')).body)).toEqual(['Noted 2.']);
  });

  it('keeps answer and buffer consistent when Webim asks while a timer branch runs', async () => {
    await webim.newChat('k3');
    await waitFor(
      'the timer job to be active',
      async () => (await queue.getJobs(['active'])).length > 0,
      {
        timeoutMs: 10_000,
        everyMs: 10,
      },
    );
    // The request waits for the branch (it holds the chat), then carries what it said.
    const exchange = await webim.say('k3', '1');
    expect(transcript(exchange.body)).toEqual(['Still there?', 'I can wait.', 'Noted 1.']);
    expect(await outbox('k3')).toEqual([]);
    expect(transcript((await webim.say('k3', '2')).body)).toEqual(['Noted 2.']);
  });
});
