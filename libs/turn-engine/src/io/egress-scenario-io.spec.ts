import type { EgressOutcome, EgressRequest } from '@app/egress';
import type { CallRequest, LlmRequest } from '@app/scenario';
import { EgressScenarioIo, SecretSource } from './egress-scenario-io';
import type { LlmProvider } from './llm-provider';

const NOW = 1_000_000;
const budget = { deadline: NOW + 3000 };

class FakeEgress {
  sent: EgressRequest[] = [];
  constructor(private readonly answer: EgressOutcome) {}
  send(request: EgressRequest): Promise<EgressOutcome> {
    this.sent.push(request);
    return Promise.resolve(this.answer);
  }
}

const secrets = (values: Record<string, string>): SecretSource => ({
  resolve: (names) => {
    const missing = names.filter((name) => !(name in values));
    if (missing.length > 0)
      return Promise.reject(new Error(`No stored secret named "${missing[0]}"`));
    return Promise.resolve(new Map(names.map((name) => [name, values[name]])));
  },
});

function setup(
  answer: EgressOutcome,
  source: SecretSource | null = secrets({ TOKEN: 's3cr3t-value' }),
  provider: LlmProvider = {},
) {
  const egress = new FakeEgress(answer);
  const warnings: Array<{ fields: object; message: string }> = [];
  const log = { warn: (fields: object, message: string) => warnings.push({ fields, message }) };
  return { egress, warnings, io: new EgressScenarioIo(egress, source, provider, log, () => NOW) };
}

const call = (extra: Partial<CallRequest> = {}): CallRequest => ({
  kind: 'call',
  method: 'POST',
  url: ['https://shop.example/orders/42?key=', { secret: 'TOKEN' }],
  headers: [{ name: 'x-token', value: ['Bearer ', { secret: 'TOKEN' }] }],
  body: { type: 'json', value: { order: '42' } },
  timeoutMs: 1500,
  detach: false,
  secrets: ['TOKEN'],
  ...extra,
});

const ok = (body: unknown, status = 200): EgressOutcome => ({
  kind: 'ok',
  status,
  body,
  reason: 'ok',
});

describe('EgressScenarioIo: call', () => {
  it('substitutes secrets into the URL and headers only, and sends under the deadline', async () => {
    const { io, egress } = setup(ok('{"status":"shipped"}'));
    const outcome = await io.perform(call(), budget);
    expect(outcome).toEqual({ kind: 'response', status: 200, body: { status: 'shipped' } });
    expect(egress.sent).toEqual([
      {
        method: 'POST',
        url: 'https://shop.example/orders/42?key=s3cr3t-value',
        headers: { 'x-token': 'Bearer s3cr3t-value' },
        body: { json: { order: '42' } },
        expect: 'text',
        timeoutMs: 1500,
        deadline: budget.deadline,
        secrets: ['s3cr3t-value'],
      },
    ]);
  });

  it('sends a form body, and without the author’s timeout gives the time left', async () => {
    const { io, egress } = setup(ok(''));
    const request = call({ body: { type: 'form', value: { a: '1' } }, timeoutMs: undefined });
    expect(await io.perform(request, budget)).toEqual({
      kind: 'response',
      status: 200,
      body: undefined,
    });
    expect(egress.sent[0]).toMatchObject({ body: { form: { a: '1' } }, timeoutMs: 3000 });
  });

  it('answers a 2xx that is not JSON as a response without a body', async () => {
    const { io } = setup(ok('<html>'));
    expect(await io.perform(call(), budget)).toEqual({
      kind: 'response',
      status: 200,
      body: undefined,
    });
  });

  it('answers any other status as a response with its status and body', async () => {
    const { io } = setup({
      kind: 'http_error',
      status: 404,
      body: { error: 'no order' },
      reason: '404',
    });
    expect(await io.perform(call(), budget)).toEqual({
      kind: 'response',
      status: 404,
      body: { error: 'no order' },
    });
  });

  it('answers a timeout as timeout', async () => {
    const { io } = setup({ kind: 'timeout', reason: 'no answer within 1500 ms' });
    expect(await io.perform(call(), budget)).toEqual({ kind: 'timeout' });
  });

  it.each<EgressOutcome>([
    { kind: 'network_error', reason: 'connect ECONNREFUSED for key=s3cr3t-value' },
    { kind: 'bad_body', status: 200, reason: 'over the size cap' },
    { kind: 'refused', reason: 'shop.example is not in EGRESS_ALLOWED_HOSTS' },
    { kind: 'breaker_open', reason: 'shop.example failed too often lately' },
  ])('answers $kind as an error whose message holds no secret', async (answer) => {
    const { io } = setup(answer);
    const outcome = await io.perform(call(), budget);
    expect(outcome).toEqual({ kind: 'error', message: expect.stringContaining(answer.kind) });
    expect(JSON.stringify(outcome)).not.toContain('s3cr3t-value');
  });

  it('fails as an error, unsent, when a secret is not stored', async () => {
    const { io, egress, warnings } = setup(ok('{}'), secrets({}));
    expect(await io.perform(call(), budget)).toEqual({
      kind: 'error',
      message: 'No stored secret named "TOKEN"',
    });
    expect(egress.sent).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('fails as an error, unsent, when secrets cannot be read without SECRETS_KEY', async () => {
    const { io, egress, warnings } = setup(ok('{}'), null);
    expect(await io.perform(call(), budget)).toEqual({
      kind: 'error',
      message: expect.stringContaining('SECRETS_KEY is not set'),
    });
    expect(egress.sent).toEqual([]);
    expect(warnings[0].message).toContain('SECRETS_KEY');
  });

  it('sends a request naming no secret without SECRETS_KEY', async () => {
    const { io, egress } = setup(ok('{}'), null);
    const request = call({ url: ['https://shop.example/'], headers: [], secrets: [] });
    expect(await io.perform(request, budget)).toEqual({ kind: 'response', status: 200, body: {} });
    expect(egress.sent[0].url).toBe('https://shop.example/');
  });
});

const llm = (extra: Partial<LlmRequest> = {}): LlmRequest => ({
  kind: 'llm',
  mode: 'reply',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  detach: false,
  secrets: [],
  ...extra,
});

const provider: LlmProvider = {
  baseUrl: 'https://llm.example/v1/',
  model: 'small-model',
  keySecret: 'LLM_KEY',
};
const completion = (content: unknown) =>
  ok({ choices: [{ message: { role: 'assistant', content } }] });

describe('EgressScenarioIo: llm', () => {
  it('posts a Chat Completions request with the deployment’s provider and key', async () => {
    const { io, egress } = setup(
      completion('Hello!'),
      secrets({ LLM_KEY: 'sk-deployment-key' }),
      provider,
    );
    const request = llm({ temperature: 0.2, maxTokens: 100, timeoutMs: 2000 });
    expect(await io.perform(request, budget)).toEqual({ kind: 'text', text: 'Hello!' });
    expect(egress.sent).toEqual([
      {
        method: 'POST',
        url: 'https://llm.example/v1/chat/completions',
        headers: { authorization: 'Bearer sk-deployment-key' },
        body: {
          json: {
            model: 'small-model',
            messages: request.messages,
            temperature: 0.2,
            max_tokens: 100,
          },
        },
        expect: 'json',
        timeoutMs: 2000,
        deadline: budget.deadline,
        secrets: ['sk-deployment-key'],
      },
    ]);
  });

  it('takes the agent’s URL, model and key over the deployment’s', async () => {
    const source = secrets({ AGENT_KEY: 'sk-agent-key' });
    const { io, egress } = setup(completion('ok'), source, provider);
    const request = llm({
      url: 'http://local-llm:8080/v1',
      model: 'big',
      bearerSecret: 'AGENT_KEY',
    });
    await io.perform(request, budget);
    expect(egress.sent[0]).toMatchObject({
      url: 'http://local-llm:8080/v1/chat/completions',
      headers: { authorization: 'Bearer sk-agent-key' },
      body: { json: { model: 'big' } },
    });
  });

  it('reads the tokens the provider counted, ignoring counts that are not counts', async () => {
    const answer = (usage: unknown) =>
      ok({ model: 'gpt-x', choices: [{ message: { content: 'hi' } }], usage });
    const local = { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' };
    const counted = setup(answer({ prompt_tokens: 12, completion_tokens: 3 }), null, local);
    expect(await counted.io.perform(llm(), budget)).toEqual({
      kind: 'text',
      text: 'hi',
      usage: { model: 'gpt-x', promptTokens: 12, completionTokens: 3 },
    });
    const odd = setup(answer({ prompt_tokens: '12', completion_tokens: -1 }), null, local);
    expect(await odd.io.perform(llm(), budget)).toEqual({ kind: 'text', text: 'hi' });
  });

  it('sends no Authorization without a key, for a local model', async () => {
    const { io, egress } = setup(completion('ok'), null, {
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
    });
    expect(await io.perform(llm(), budget)).toEqual({ kind: 'text', text: 'ok' });
    expect(egress.sent[0].headers).toEqual({});
  });

  it('tells a classifying model its labels in the system prompt', async () => {
    const { io, egress } = setup(completion('refund'), null, {
      baseUrl: 'http://x/v1',
      model: 'm',
    });
    await io.perform(llm({ mode: 'classify', labels: ['order', 'refund'] }), budget);
    const sent = egress.sent[0].body as {
      json: { messages: Array<{ role: string; content: string }> };
    };
    expect(sent.json.messages[0]).toEqual({
      role: 'system',
      content:
        'Be brief.\n\nAnswer with exactly one of these labels and nothing else: order, refund.',
    });
  });

  it('adds a system message for the labels when there is none', async () => {
    const { io, egress } = setup(completion('refund'), null, {
      baseUrl: 'http://x/v1',
      model: 'm',
    });
    const messages = [{ role: 'user' as const, content: 'money back' }];
    await io.perform(llm({ mode: 'classify', labels: ['a', 'b'], messages }), budget);
    const sent = egress.sent[0].body as { json: { messages: Array<{ role: string }> } };
    expect(sent.json.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it.each([
    ['no choices', ok({})],
    ['content that is not text', completion(null)],
    [
      'a status that is not 2xx',
      { kind: 'http_error', status: 429, body: {}, reason: '429' } as EgressOutcome,
    ],
    [
      'a body that is not JSON',
      { kind: 'bad_body', status: 200, reason: 'not JSON' } as EgressOutcome,
    ],
  ])('answers %s as an error', async (_, answer) => {
    const { io } = setup(answer, null, { baseUrl: 'http://x/v1', model: 'm' });
    expect(await io.perform(llm(), budget)).toEqual({ kind: 'error', message: expect.any(String) });
  });

  it('answers a timeout as timeout', async () => {
    const { io } = setup({ kind: 'timeout', reason: 'slow' }, null, {
      baseUrl: 'http://x/v1',
      model: 'm',
    });
    expect(await io.perform(llm(), budget)).toEqual({ kind: 'timeout' });
  });

  it('fails as an error, unsent, without a provider or a model', async () => {
    const { io, egress } = setup(completion('x'), null, {});
    expect(await io.perform(llm(), budget)).toEqual({
      kind: 'error',
      message: expect.stringContaining('LLM_BASE_URL'),
    });
    const second = setup(completion('x'), null, { baseUrl: 'http://x/v1' });
    expect(await second.io.perform(llm(), budget)).toEqual({
      kind: 'error',
      message: expect.stringContaining('LLM_MODEL'),
    });
    expect([...egress.sent, ...second.egress.sent]).toEqual([]);
  });
});
