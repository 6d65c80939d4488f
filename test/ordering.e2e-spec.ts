import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TURN_QUEUE } from '@app/conversation';
import { compileAgent, ConversationState, runTurn, TurnInput } from '@app/scenario';
import { chatVariables, toWebimResponse } from '@app/webim-protocol';
import { COUNTING_AGENT, expectOneAtATime } from './support/agents';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';
import { WebimClient } from './support/webim-client';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';

// Per-chat order across workers: turns of one chat never overlap and run in arrival order,
// whatever the number of workers and their concurrency.

describe('per-chat order with two workers', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ workers: 2 });
  });
  afterAll(() => stack.close());

  it('gives every chat of many in parallel the answers of a sequential run', async () => {
    const webim = stack.webim(await stack.demoWebhookUrl());
    const demo = compileAgent(readFileSync(join(__dirname, '../agents/demo.yaml'), 'utf8'), {
      channel: WEBIM_CHANNEL_VARIABLES,
    }).agent;
    type Step = ['say', string] | ['press', string, string];
    const script: Step[] = [
      ['say', 'what are your opening hours?'],
      ['press', 'delivery', 'Delivery'],
      ['say', 'blah blah'],
      ['press', 'hours', 'Opening hours'],
      ['say', 'do you deliver?'],
    ];

    // The expected answers: the same requests through the pure interpreter, one at a time.
    const expected = (chatId: string) => {
      let state: ConversationState | null = null;
      const vars = chatVariables(chatId);
      const inputs: TurnInput[] = [
        { kind: 'chat_started', vars: { ...vars, channel_visitor_id: `visitor-${chatId}` } },
        ...script.map((s): TurnInput =>
          s[0] === 'say'
            ? { kind: 'text', text: s[1], vars }
            : { kind: 'button', id: s[1], text: s[2], vars },
        ),
      ];
      return inputs.map((input) => {
        const result = runTurn(demo, state, input, { maxSteps: 1000 });
        state = result.state;
        return toWebimResponse(result.messages, result.handoff !== null);
      });
    };

    const chats = Array.from({ length: 40 }, (_, i) => `order-${i}`);
    const actual = await Promise.all(
      chats.map(async (chatId) => {
        const answers = [(await webim.newChat(chatId)).body];
        for (const step of script) {
          const exchange =
            step[0] === 'say'
              ? await webim.say(chatId, step[1])
              : await webim.press(chatId, step[1], step[2]);
          answers.push(exchange.body);
        }
        return answers;
      }),
    );
    chats.forEach((chatId, i) => expect(actual[i]).toEqual(expected(chatId)));

    // Both workers took part.
    const { queue } = await stack.bull(TURN_QUEUE);
    const jobs = await queue.getJobs(['completed'], 0, 1000);
    expect(new Set(jobs.map((j) => j.processedBy)).size).toBe(2);
  });

  it('runs concurrent requests of one chat one at a time, in arrival order', async () => {
    const webim = stack.webim(await stack.addChannel('counting', COUNTING_AGENT));
    await webim.newChat('burst');
    // Requests sent without waiting: each must see all turns admitted before it, and no two
    // may see the same history (that would mean they ran at the same time).
    const sent = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const answers = await Promise.all(sent.map((text) => webim.say('burst', text)));
    const byLength = expectOneAtATime(answers);
    // The final history holds every message exactly once.
    const final = byLength[byLength.length - 1].split(';').filter(Boolean);
    expect([...final].sort()).toEqual([...sent].sort());

    // ...and in arrival order: the order the gateway admitted them. Each job goes to Redis
    // right behind its admission, so the queue's "added" events list them in that order.
    const { queue } = await stack.bull(TURN_QUEUE);
    const events = await stack.client.xrange(queue.keys.events, '-', '+');
    const addedOrder = events
      .map(([, fields]) => Object.fromEntries(chunk(fields)))
      .filter((event) => event.event === 'added')
      .map((event) => event.jobId);
    const jobs = (await queue.getJobs(['completed'], 0, 1000)).filter(
      (j) => j.data.channelId === 'counting' && j.data.input.kind === 'text',
    );
    expect(jobs).toHaveLength(sent.length);
    const admitted = jobs
      .sort((a, b) => addedOrder.indexOf(a.id!) - addedOrder.indexOf(b.id!))
      .map((j) => (j.data.input as { text: string }).text);
    expect(jobs.every((j) => addedOrder.includes(j.id!))).toBe(true);
    expect(final).toEqual(admitted);
  });

  it('runs a re-sent request once and gives both copies the same answer', async () => {
    const webim: WebimClient = stack.webim(await stack.addChannel('counting2', COUNTING_AGENT));
    await webim.newChat('resend');
    const [first, second] = await Promise.all([
      webim.say('resend', 'once'),
      webim.say('resend', 'once'),
    ]);
    expect(first.body).toEqual(second.body);
    expect(first.body).toEqual({
      has_answer: true,
      messages: [{ kind: 'operator', text: 'once;' }],
    });
    const third = await webim.say('resend', 'twice');
    expect(third.body).toEqual({
      has_answer: true,
      messages: [{ kind: 'operator', text: 'once;twice;' }],
    });
  });

  it('answers a re-sent request together with the first, not at the reply budget', async () => {
    // Each turn takes a second: the copy arrives while the first still runs, so it can only
    // get the answer by waiting on the first turn's reply.
    const slow = `
start: loop
branches:
  loop:
    - wait: {}
    - pause: 1000
    - say: "got {{client_message}}"
    - goto: loop
`;
    const webim = stack.webim(await stack.addChannel('slow-resend', slow));
    await webim.newChat('resend');
    const { queue } = await stack.bull(TURN_QUEUE);
    const answeredAt = (exchange: Promise<unknown>) => exchange.then(() => performance.now());

    const first = webim.say('resend', 'once');
    await waitFor('the first turn to run', async () =>
      (await queue.getJobs(['active'])).some((j) => j.data.channelId === 'slow-resend'),
    );
    const copy = webim.say('resend', 'once');
    const [firstAt, copyAt] = await Promise.all([answeredAt(first), answeredAt(copy)]);

    const answer = { has_answer: true, messages: [{ kind: 'operator', text: 'got once' }] };
    expect((await first).body).toEqual(answer);
    expect((await copy).body).toEqual(answer);
    // The budget is 4 s: a copy left to find the answer when its own budget runs out would
    // come seconds after the first.
    expect(Math.abs(copyAt - firstAt)).toBeLessThan(1000);
  });
});

/** Redis returns a stream entry's fields as [name, value, name, value, ...]. */
function chunk(fields: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < fields.length; i += 2) pairs.push([fields[i], fields[i + 1]]);
  return pairs;
}
