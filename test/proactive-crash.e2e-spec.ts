import type { Job, Queue, QueueEvents } from 'bullmq';
import { hostname } from 'node:os';
import { PROACTIVE_QUEUE } from '@app/conversation';
import { Scrape } from './support/prometheus';
import { StackProcess, TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';
import { waitFor } from './support/wait-for';

// Exactly once, whatever process dies when and however often: buffered messages survive a worker
// killed between a timer's scheduling and its firing, in the middle of a timer's or an incoming
// request's branch (twice in turn), or between its commit and its job's end. A job whose workers
// keep dying is failed after WORKER_MAX_STALLS of them, visibly, and runs once when retried.

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

/** An incoming request whose branch takes a few seconds: time to kill the worker running it. */
const SLOW_EVENT_AGENT = `
events:
  shipped: shipped
start: hello
branches:
  hello:
    - say: "Hello."
    - goto: listen
  listen:
    - wait: {}
    - say: "Noted {{client_message}}."
    - goto: listen
  shipped:
    - say: "Order {{event_order_id}} shipped."
    - pause: 3000
    - say: "Anything else?"
    - goto: listen
`;

describe('proactive messages when a worker dies', () => {
  let stack: TestStack;
  let webim: WebimClient;
  let slow: WebimClient;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    // A short job lock, so that a killed worker's job is taken over in about a second.
    stack = await TestStack.start({ env: { WORKER_LOCK_MS: '1000' } });
    webim = stack.webim(await stack.addChannel('crash', AGENT));
    slow = stack.webim(await stack.addChannel('slow', SLOW_EVENT_AGENT));
    ({ queue, events } = await stack.bull(PROACTIVE_QUEUE));
  });
  afterAll(() => stack.close());

  const outbox = (chatId: string) => stack.conversations.outbox('crash', chatId);
  const slowOutbox = (chatId: string) => stack.conversations.outbox('slow', chatId);
  const liveWorker = () => stack.workers.find((w) => w.alive)!;

  /** Sends the `shipped` event to a chat of the slow channel; resolves with its job's id. */
  const ship = async (chatId: string, orderId: number): Promise<string> => {
    const response = await stack.api(`/api/channels/slow/chats/${chatId}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shipped', data: { order_id: orderId } }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };

  /** Waits until `worker` has taken the job (BullMQ names it "<host>:<pid>" in processedBy). */
  const takenBy = (jobId: string, worker: StackProcess): Promise<Job> =>
    waitFor(
      `${worker.name} to take job ${jobId}`,
      async () => {
        const job = await queue.getJob(jobId);
        const name = `${hostname()}:${worker.child.pid}`;
        return job?.processedBy === name && (await job.isActive()) && job;
      },
      { timeoutMs: 15_000, everyMs: 10 },
    );

  /** Kills the only live worker once it runs the job, and starts another in its place. */
  const killWhileRunning = async (jobId: string, env: Record<string, string> = {}) => {
    const worker = liveWorker();
    await takenBy(jobId, worker);
    await worker.kill('SIGKILL');
    return stack.startWorker(env);
  };

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

  it('delivers an incoming request once although the workers running it died twice in turn', async () => {
    await slow.newChat('s1');
    const id = await ship('s1', 41);
    await killWhileRunning(id); // the first worker dies in the branch's pause
    const last = await killWhileRunning(id); // and so does the one that took the job over
    const result = await (await queue.getJob(id))!.waitUntilFinished(events, 20_000);
    expect(result).toMatchObject({ status: 'delivered', messages: 2 });
    expect((await queue.getJob(id))!.stalledCounter).toBe(2);
    // The worker that found the job without its worker counts it.
    const scrape = await Scrape.of(last.baseUrl);
    expect(scrape.value('webim_job_stalls_total', { queue: PROACTIVE_QUEUE })).toBe(1);
    expect(transcript((await slow.say('s1', 'ok')).body)).toEqual([
      'Order 41 shipped.',
      'Anything else?',
      'Noted ok.',
    ]);
    expect(transcript((await slow.say('s1', 'bye')).body)).toEqual(['Noted bye.']);
  });

  it('does not deliver twice an incoming request whose worker died after committing it', async () => {
    await slow.newChat('s2');
    const id = await ship('s2', 42);
    const worker = liveWorker();
    await takenBy(id, worker);
    // The test holds the job's lock, so the worker cannot mark the job completed after its
    // commit: the job stays active, as it does when its worker dies between the two.
    const lock = `{wg}:${PROACTIVE_QUEUE}:${id}:lock`;
    await stack.client.set(lock, 'held-by-the-test');
    await waitFor('the branch to commit', async () => (await slowOutbox('s2')).length === 2, {
      timeoutMs: 10_000,
    });
    await worker.kill('SIGKILL');
    expect(await (await queue.getJob(id))!.isActive()).toBe(true);
    await stack.client.del(lock);
    await stack.startWorker();
    const result = await (await queue.getJob(id))!.waitUntilFinished(events, 20_000);
    expect(result).toEqual({ status: 'settled' });
    expect(transcript((await slow.say('s2', 'ok')).body)).toEqual([
      'Order 42 shipped.',
      'Anything else?',
      'Noted ok.',
    ]);
    expect(await slowOutbox('s2')).toEqual([]);
  });

  it('fails a job whose workers died more than WORKER_MAX_STALLS times, says so, and delivers it once retried', async () => {
    await slow.newChat('s3');
    const id = await ship('s3', 43);
    // Two deaths, where the workers that take the job over allow one.
    await killWhileRunning(id, { WORKER_MAX_STALLS: '1' });
    const last = await killWhileRunning(id, { WORKER_MAX_STALLS: '1' });
    await expect((await queue.getJob(id))!.waitUntilFinished(events, 20_000)).rejects.toThrow(
      'job stalled more than allowable limit',
    );
    expect(await slowOutbox('s3')).toEqual([]);
    await last.waitForLog(/"stalls":2.*Proactive job given up: its workers died running it/);
    // Parked, not lost: once the cause is fixed, a retry runs it, once.
    const failed = (await queue.getJob(id))!;
    await failed.retry('failed');
    const result = await failed.waitUntilFinished(events, 20_000);
    expect(result).toMatchObject({ status: 'delivered', messages: 2 });
    expect(transcript((await slow.say('s3', 'ok')).body)).toEqual([
      'Order 43 shipped.',
      'Anything else?',
      'Noted ok.',
    ]);
  });
});
