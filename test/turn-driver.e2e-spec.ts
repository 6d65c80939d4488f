import { COUNTING_AGENT, expectOneAtATime } from './support/agents';
import { TestStack } from './support/test-stack';
import { FakeBackend } from './support/fake-backend';
import { transcript, WebimClient } from './support/webim-client';

// TURN_DRIVER=in-process: the gateway runs visitor turns itself, with no worker and no BullMQ
// job, under the same turn protocol: the chat's order, one outcome per turn, re-sends joined.

describe('visitor turns run in the gateway (TURN_DRIVER=in-process)', () => {
  let stack: TestStack;
  let webim: WebimClient;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 0, env: { TURN_DRIVER: 'in-process' } });
    webim = stack.webim(await stack.addChannel('count', COUNTING_AGENT));
  });
  afterAll(() => stack.close());

  it('answers with no worker running, and adds no job to the turn queue', async () => {
    const { queue } = await stack.bull('webim-turns');
    await webim.newChat('d-1');
    const answer = await webim.say('d-1', 'one');
    expect(answer.body).toEqual({
      has_answer: true,
      messages: [{ kind: 'operator', text: 'one;' }],
    });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0 });
  });

  it("runs a chat's concurrent requests one at a time, each once", async () => {
    await webim.newChat('d-2');
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((text) => webim.say('d-2', text)));
    const byLength = expectOneAtATime(answers);
    const { conversation } = await stack.conversations.read('count', 'd-2');
    expect(conversation?.state.vars.log).toBe(byLength.at(-1));
  });

  it('sends no call: a call step takes its error branch, the backend untouched', async () => {
    const backend = await FakeBackend.start();
    try {
      const calling = stack.webim(
        await stack.addChannel(
          'calling',
          `
start: ask
branches:
  ask:
    - wait: {}
    - call: { url: '${backend.url('/json')}', on: { ok: done, error: failed } }
  done:
    - say: 'Called'
  failed:
    - say: 'Calls need a worker'
`,
        ),
      );
      await calling.newChat('d-3');
      expect(transcript((await calling.say('d-3', 'go')).body)).toEqual(['Calls need a worker']);
      expect(backend.received).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
