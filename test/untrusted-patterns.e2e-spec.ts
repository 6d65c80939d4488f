import { performance } from 'node:perf_hooks';
import { manyTestsAgent, WORDS_AGENT } from './support/agents';
import { TestStack } from './support/test-stack';
import { transcript } from './support/webim-client';

// Agents sent to the management API and visitor messages are untrusted: a pattern that would
// make a backtracking engine run for ages must neither stall a worker (and every chat it runs)
// nor the gateway, and training an agent, however much its tests ask, must leave the gateway
// answering.

/** A text that takes `^(\w+\s?)+$` on a backtracking engine longer than any test would wait. */
const EXPLOSIVE = `${'a'.repeat(40)}!`;
const TRAINING_LIMIT_MS = 1000;

describe('patterns that would backtrack for ages', () => {
  let stack: TestStack;
  const put = (id: string, body: string) =>
    stack.api(`/api/agents/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body,
    });

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 1,
      env: { AGENT_TRAINING_TIMEOUT_MS: String(TRAINING_LIMIT_MS) },
    });
  });
  afterAll(() => stack.close());

  it('trains an agent whose tests send such a text to such a pattern', async () => {
    const response = await put('words', WORDS_AGENT);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      trained: true,
      tests: [{ name: 'words and more', passed: true }],
    });
  });

  it('refuses, with the failing test, such an agent whose test expects the wrong answer', async () => {
    const wrong = WORDS_AGENT.replace('bot: ["not only words", "ready"]', 'bot: ["only words"]');
    const response = await put('words', wrong);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      message: 'The agent compiles, but its tests fail',
      details: [{ name: 'words and more', passed: false, failures: [{ exchange: 3 }] }],
    });
    expect((await stack.catalog.getAgent('words'))?.version).toBe(1);
  });

  it('refuses a lookahead at its line and column, saying what to write instead', async () => {
    const response = await put('words', WORDS_AGENT.replace('^(\\w+\\s?)+$', 'price(?!s)'));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      statusCode: 422,
      details: [
        {
          severity: 'error',
          line: 8,
          column: 19,
          message: expect.stringMatching(/lookahead `\(\?!` at character 6.*instead/),
        },
      ],
    });
  });

  it('answers such a message at once, and another chat on the same worker meanwhile', async () => {
    const webim = stack.webim(await stack.addChannel('words-chat', WORDS_AGENT));
    expect(transcript((await webim.newChat('explosive')).body)).toEqual(['ready']);
    expect(transcript((await webim.newChat('calm')).body)).toEqual(['ready']);

    const [explosive, calm] = await Promise.all([
      webim.say('explosive', EXPLOSIVE),
      webim.say('calm', 'hello there'),
    ]);
    expect(transcript(explosive.body)).toEqual(['not only words', 'ready']);
    expect(transcript(calm.body)).toEqual(['only words', 'ready']);
    expect(stack.workers).toHaveLength(1);
  });

  it(`stops a training past AGENT_TRAINING_TIMEOUT_MS with 422, the gateway answering meanwhile`, async () => {
    // A small agent of the same shape trains well within the limit.
    expect((await put('busy', manyTestsAgent(10, 10))).status).toBe(200);

    let training = true;
    const pending = put('busy', manyTestsAgent(900, 300)).finally(() => (training = false));
    const probes: number[] = [];
    while (training) {
      const started = performance.now();
      const live = await fetch(`${stack.baseUrl}/health/live`);
      expect(live.status).toBe(200);
      if (training) probes.push(performance.now() - started);
    }
    const response = await pending;
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringContaining(
        `Training the agent took longer than ${TRAINING_LIMIT_MS} ms`,
      ) as string,
    });
    await stack.gateway.waitForLog(/"agentId":"busy".*took longer than AGENT_TRAINING_TIMEOUT_MS/);
    // Probes answered all along, each promptly: the event loop was never held.
    expect(probes.length).toBeGreaterThan(5);
    expect(Math.max(...probes)).toBeLessThan(TRAINING_LIMIT_MS / 2);

    // The agent keeps its trained version, and the next training gets a fresh thread.
    expect((await stack.catalog.getAgent('busy'))?.version).toBe(1);
    const retrained = await put('busy', manyTestsAgent(10, 10));
    expect(retrained.status).toBe(200);
    expect(await retrained.json()).toMatchObject({ version: 2, trained: true });
  });
});
