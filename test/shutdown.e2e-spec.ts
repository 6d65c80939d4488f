import { once } from 'node:events';
import { TURN_QUEUE } from '@app/conversation';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';
import { transcript } from './support/webim-client';

// SIGTERM is how Kubernetes and docker compose stop a process: a worker finishes what it runs,
// a gateway answers what is in flight, and no chat is handed off for it.

/** Every turn takes 1.5 s: long enough to send a signal in the middle of it. */
const SLOW_AGENT = `
start: main
branches:
  main:
    - say: "ready"
    - wait: {}
    - pause: 1500
    - say: "done {{client_message}}"
    - goto: main
`;

describe('graceful shutdown', () => {
  let stack: TestStack;
  let url: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    url = await stack.addChannel('slow', SLOW_AGENT);
  });
  afterAll(() => stack?.close());

  async function activeTurns(count: number): Promise<void> {
    const { queue } = await stack.bull(TURN_QUEUE);
    await waitFor(`${count} active turns`, async () => (await queue.getActiveCount()) >= count);
  }

  it('a worker stopped in the middle of a turn finishes it, and Webim gets the answer', async () => {
    const webim = stack.webim(url);
    await webim.newChat('w-1');
    const answer = webim.say('w-1', 'one');
    await activeTurns(1);
    const worker = stack.workers[0];
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');

    const { body, ms } = await answer;
    expect(transcript(body)).toEqual(['done one', 'ready']);
    expect(ms).toBeLessThan(4000);
    // Nest ends a clean shutdown by re-raising the signal it caught.
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(worker.logs()).toMatch(/"msg":"Drained: active jobs finished"/);
    // The conversation moved on: the turn was committed, not abandoned.
    const stored = await stack.conversations.read('slow', 'w-1');
    expect(stored.handoff).toBeNull();
    expect(stored.turns).toBe(2);
  });

  it('a gateway stopped with requests in flight answers all of them, then exits', async () => {
    await stack.startWorker();
    const webim = stack.webim(url);
    const chats = ['g-1', 'g-2', 'g-3', 'g-4', 'g-5'];
    for (const chat of chats) await webim.newChat(chat);
    const answers = chats.map((chat) => webim.say(chat, chat));
    await activeTurns(chats.length);

    const gateway = stack.gateway;
    const exited = once(gateway.child, 'exit');
    gateway.child.kill('SIGTERM');
    const results = await Promise.all(answers);
    expect(results.map((r) => transcript(r.body))).toEqual(
      chats.map((chat) => [`done ${chat}`, 'ready']),
    );
    expect(await exited).toEqual([0, null]);
    expect(gateway.logs()).toMatch(/"msg":"In-flight requests answered"/);
    // Closed to new requests once stopped.
    await expect(webim.say('g-1', 'late')).rejects.toThrow();
    expect(await stack.conversations.read('slow', 'g-3')).toMatchObject({ handoff: null });
  });
});
