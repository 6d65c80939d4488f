import { TestStack } from './support/test-stack';
import { WebimClient } from './support/webim-client';
import { waitFor } from './support/wait-for';

// What the playground page calls besides the rest of the API: checking a source without
// storing it, a chat's state after a turn, and firing a running timer now.

const AGENT = `
timers:
  nudge: { after: 1h, goto: nudge }
start: ask
branches:
  ask:
    - say: "Your name?"
    - start_timer: nudge
    - wait: { save: name }
    - say: "Hello {{name}}."
    - goto: ask
  nudge:
    - say: "Still there?"
    - wait: { save: name }
    - goto: ask
tests:
  - name: asks
    conversation:
      - new_chat: {}
        bot: ["Your name?"]
`;

describe('playground API', () => {
  let stack: TestStack;
  let webim: WebimClient;

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.addChannel('shop', AGENT));
  });
  afterAll(() => stack.close());

  const yaml = (source: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: source,
  });

  describe('POST /api/agents/validate', () => {
    it('reports errors at their line and column, and stores nothing', async () => {
      const broken = AGENT.replace('goto: ask\n  nudge', 'goto: asq\n  nudge');
      const response = await stack.api('/api/agents/validate', yaml(broken));
      expect(response.status).toBe(200);
      const report = (await response.json()) as { trainable: boolean; errors: unknown[] };
      expect(report.trainable).toBe(false);
      expect(report.errors).toEqual([
        expect.objectContaining({
          severity: 'error',
          line: broken.split('\n').indexOf('    - goto: asq') + 1,
          column: 13,
          message: expect.stringContaining('"asq"'),
        }),
      ]);
      expect((await stack.api('/api/agents')).status).toBe(200);
      expect(await stack.apiGet<{ id: string }[]>('/api/agents')).not.toContainEqual(
        expect.objectContaining({ id: 'validate' }),
      );
    });

    it('runs the tests of a source that compiles, with expected and actual text', async () => {
      const wrong = AGENT.replace('bot: ["Your name?"]', 'bot: ["Your age?"]');
      const report = await (await stack.api('/api/agents/validate', yaml(wrong))).json();
      expect(report).toMatchObject({
        trainable: false,
        errors: [],
        tests: [
          {
            name: 'asks',
            passed: false,
            failures: [
              expect.objectContaining({ expected: '"Your age?"', actual: '"Your name?"' }),
            ],
          },
        ],
      });
      const right = await (await stack.api('/api/agents/validate', yaml(AGENT))).json();
      expect(right).toMatchObject({ trainable: true, tests: [{ passed: true }] });
    });

    it('refuses a source sent as JSON with 415', async () => {
      const response = await stack.api('/api/agents/validate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ start: 'x' }),
      });
      expect(response.status).toBe(415);
    });
  });

  describe('chat state and timers', () => {
    it('shows variables, position, the timer armed and the cost of the last turn', async () => {
      await webim.newChat('c-1');
      await webim.say('c-1', 'Ann');
      const state = await stack.apiGet<Record<string, unknown>>(
        '/api/channels/shop/chats/c-1/state',
      );
      expect(state).toMatchObject({
        channelId: 'shop',
        chatId: 'c-1',
        conversation: {
          agentId: 'shop',
          state: {
            status: 'waiting',
            branch: 'ask',
            vars: expect.objectContaining({ name: 'Ann' }),
          },
        },
        timers: [{ name: 'nudge', agentId: 'shop', dueAt: expect.any(String) }],
        bufferedMessages: [],
        lastHandoff: null,
        lastTurn: {
          turn: expect.any(String),
          job: {
            status: 'answered',
            waitedMs: expect.any(Number),
            ranMs: expect.any(Number),
            steps: expect.any(Number),
          },
        },
      });
      const dueIn = Date.parse((state.timers as { dueAt: string }[])[0].dueAt) - Date.now();
      expect(dueIn).toBeGreaterThan(3_500_000);
    });

    it('fires a running timer now: its message waits for the next answer', async () => {
      const response = await stack.api('/api/channels/shop/chats/c-1/timers/nudge/fire', {
        method: 'POST',
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({
        id: expect.stringMatching(/^timer\.shop\.c-1\.shop\.nudge\.\d+$/),
      });
      // Due in an hour, fired now: its message is in the outbox at once.
      const buffered = await waitForOutbox('c-1');
      expect(buffered).toEqual([{ type: 'text', text: 'Still there?' }]);
      const answer = await webim.say('c-1', 'Bob');
      expect(answer.body).toEqual({
        has_answer: true,
        messages: [
          { kind: 'operator', text: 'Still there?' },
          { kind: 'operator', text: 'Your name?' },
        ],
      });
    });

    it('refuses a timer that is not running, a bad name and an unknown chat', async () => {
      await webim.newChat('c-2');
      await webim.say('c-2', 'Cid');
      // The answer ran `ask` again, which restarted the timer; this one was never declared.
      const fire = (chat: string, name: string) =>
        stack.api(`/api/channels/shop/chats/${chat}/timers/${name}/fire`, { method: 'POST' });
      expect((await fire('c-2', 'reminder')).status).toBe(404);
      expect((await fire('c-2', 'no%20spaces')).status).toBe(400);
      expect((await fire('nobody', 'nudge')).status).toBe(404);
      expect((await stack.api('/api/channels/shop/chats/nobody/state')).status).toBe(404);
      expect((await stack.api('/api/channels/nothing/chats/c-2/state')).status).toBe(404);
      expect(await stack.conversations.outbox('shop', 'c-2')).toEqual([]);
    });
  });

  const waitForOutbox = (chatId: string) =>
    waitFor(`a buffered message in ${chatId}`, async () => {
      const outbox = await stack.conversations.outbox('shop', chatId);
      return outbox.length > 0 && outbox;
    });
});
