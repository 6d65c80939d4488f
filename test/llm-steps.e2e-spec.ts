import { randomBytes } from 'node:crypto';
import { FakeLlm } from './support/fake-llm';
import { TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';

// A visitor's turn that reaches an `llm` step: the worker asks an OpenAI-compatible provider
// (a fake one over real HTTP), with the deployment's provider, model and key unless the agent
// names its own, and goes on with the model's answer.

const SECRETS_KEY = randomBytes(32).toString('hex');

const AGENT = `
start: ask
branches:
  ask:
    - wait: {}
    - llm:
        mode: classify
        prompt: 'Order, refund or other? {{client_message}}'
        labels: [order, refund, other]
        save: topic
        timeout: 2s
        on: { error: failed, timeout: failed }
    - route:
        - { if: { var: topic, eq: refund }, goto: person }
        - { goto: answer }
  answer:
    - llm:
        system: 'You answer briefly.'
        prompt: '{{client_message}}'
        temperature: 0.3
        max_tokens: 50
        timeout: 2s
        on: { error: failed, timeout: failed }
    - goto: ask
  failed:
    - say: 'The assistant is away'
    - goto: ask
  person:
    - handoff: refund
`;

describe('llm steps in a visitor turn', () => {
  let stack: TestStack;
  let llm: FakeLlm;
  let own: FakeLlm;
  let webim: WebimClient;
  const deploymentKey = `sk-deploy-${randomBytes(12).toString('hex')}`;
  const agentKey = `sk-agent-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    [llm, own] = await Promise.all([FakeLlm.start(), FakeLlm.start()]);
    stack = await TestStack.start({
      env: {
        SECRETS_KEY,
        LLM_BASE_URL: llm.baseUrl,
        LLM_MODEL: 'deployment-model',
        LLM_API_KEY_SECRET: 'LLM_KEY',
      },
    });
    await stack.storeSecret('LLM_KEY', deploymentKey);
    await stack.storeSecret('AGENT_LLM_KEY', agentKey);
    webim = stack.webim(await stack.addChannel('assistant', AGENT));
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([llm?.stop(), own?.stop()]);
  });

  beforeEach(() => {
    llm.status = 200;
    llm.reply = (call) =>
      call.body.messages?.[0].content.includes('labels') ? 'Other.' : '**Yes**, we do';
  });

  it("classifies, then says the model's reply, with the deployment's provider, model and key", async () => {
    await webim.newChat('c1');
    const before = llm.calls.length;
    const exchange = await webim.say('c1', 'Do you sell green tea?');
    expect(transcript(exchange.body)).toEqual(['Yes, we do']);
    const [classify, reply] = llm.calls.slice(before);
    expect(classify.path).toBe('/v1/chat/completions');
    expect(classify.headers.authorization).toBe(`Bearer ${deploymentKey}`);
    expect(classify.body.model).toBe('deployment-model');
    expect(classify.body.messages?.[0]).toEqual({
      role: 'system',
      content: 'Answer with exactly one of these labels and nothing else: order, refund, other.',
    });
    expect(reply.body).toMatchObject({
      model: 'deployment-model',
      temperature: 0.3,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'You answer briefly.' },
        { role: 'user', content: 'Do you sell green tea?' },
      ],
    });
    expect(stack.allLogs()).not.toContain(deploymentKey);
    const metrics = await (await fetch(`${stack.workers[0].baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/webim_step_requests_total\{step="llm",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(
      /webim_llm_tokens_total\{model="deployment-model",kind="completion"\} [1-9]/,
    );
  });

  it('routes on the label the model picked', async () => {
    llm.reply = () => 'refund';
    await webim.newChat('c2');
    expect((await webim.say('c2', 'money back please')).body).toEqual({ has_answer: false });
    expect((await stack.conversations.read('assistant', 'c2')).handoff).toMatchObject({
      detail: 'refund',
    });
  });

  it('takes the error branch when the provider fails', async () => {
    llm.status = 500;
    await webim.newChat('c3');
    expect(transcript((await webim.say('c3', 'hello')).body)).toEqual(['The assistant is away']);
  });

  it("uses the agent's own provider, model and key over the deployment's", async () => {
    own.reply = (call) =>
      call.body.messages?.[0].content.includes('labels') ? 'other' : 'From the agent’s model';
    const source = `llm: { url: '${own.baseUrl}', model: agent-model, auth: { bearer: AGENT_LLM_KEY } }\n${AGENT}`;
    const agentWebim = stack.webim(await stack.addChannel('own-llm', source));
    await agentWebim.newChat('c4');
    const before = llm.calls.length;
    expect(transcript((await agentWebim.say('c4', 'hi')).body)).toEqual(['From the agent’s model']);
    expect(llm.calls.length).toBe(before);
    expect(own.calls.map((c) => [c.headers.authorization, c.body.model])).toEqual([
      [`Bearer ${agentKey}`, 'agent-model'],
      [`Bearer ${agentKey}`, 'agent-model'],
    ]);
  });
});
