import { TestStack } from './support/test-stack';
import { transcript } from './support/webim-client';

// Training an agent through the API, and what happens to chats in progress when it changes.

const V1 = `
start: welcome
branches:
  welcome:
    - say: "v1: pick one"
    - buttons: [[{ id: a, text: "A" }, { id: b, text: "B" }]]
    - wait: {}
    - route:
        - { button: a, goto: in_a }
        - { goto: in_b }
  in_a:
    - say: "v1: in A"
    - wait: {}
    - goto: welcome
  in_b:
    - say: "v1: in B"
    - wait: {}
    - goto: welcome
tests:
  - name: choose A
    conversation:
      - new_chat: {}
        bot: ["v1: pick one", { buttons: [[a, b]] }]
      - press: a
        bot: ["v1: in A"]
`;

/** v2 drops branch in_b and changes what in_a's successor says. */
const V2 = `
start: welcome
branches:
  welcome:
    - say: "v2: pick one"
    - buttons: [[{ id: a, text: "A" }]]
    - wait: {}
    - route:
        - { goto: in_a }
  in_a:
    - say: "v2: in A"
    - wait: {}
    - goto: welcome
`;

describe('agents through the API', () => {
  let stack: TestStack;
  const put = (id: string, body: string, contentType = 'application/yaml') =>
    stack.api(`/api/agents/${id}`, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body,
    });

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack.close());

  it('refuses without the admin token', async () => {
    const response = await fetch(`${stack.baseUrl}/api/agents/x`, { method: 'PUT', body: V1 });
    expect(response.status).toBe(401);
    expect(await stack.catalog.getAgent('x')).toBeNull();
  });

  it('trains and stores a good agent: 200 with its version and test results', async () => {
    const response = await put('shop', V1);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'shop',
      version: 1,
      trained: true,
      tests: [{ name: 'choose A', passed: true }],
    });
    expect((await stack.catalog.getAgent('shop'))?.source).toBe(V1);
  });

  it('rejects a broken agent with 422 naming line and column, and keeps the trained one', async () => {
    const response = await put('shop', V1.replace('goto: in_b', 'goto: in_c'));
    expect(response.status).toBe(422);
    const body = (await response.json()) as {
      details: { line: number; column: number; message: string }[];
    };
    expect(body.details[0]).toMatchObject({
      line: 10,
      column: 19,
      message: expect.stringContaining('in_c'),
    });
    expect((await stack.catalog.getAgent('shop'))?.version).toBe(1);
  });

  it('rejects an agent whose own tests fail, with the diff', async () => {
    const response = await put('shop', V1.replace('bot: ["v1: in A"]', 'bot: ["v1: in Z"]'));
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toMatch(/v1: in Z.*v1: in A|v1: in A.*v1: in Z/);
    expect((await stack.catalog.getAgent('shop'))?.version).toBe(1);
  });

  it('refuses a body that is not YAML text, and a bad agent id', async () => {
    expect((await put('shop', JSON.stringify({ start: 'x' }), 'application/json')).status).toBe(
      415,
    );
    expect((await put('no%20spaces', V1)).status).toBe(400);
  });

  it('hands off a turn that loops, as a scenario error, leaving the conversation as it was', async () => {
    const looping = `
start: welcome
branches:
  welcome:
    - say: "hello"
    - wait: {}
    - route:
        - { text: loop, goto: spin }
        - { goto: welcome }
  spin:
    - goto: spin
`;
    const webim = stack.webim(await stack.addChannel('looping', looping));
    expect(transcript((await webim.newChat('l1')).body)).toEqual(['hello']);
    const before = await stack.conversations.read('looping', 'l1');
    const exchange = await webim.say('l1', 'loop');
    expect(exchange.body).toEqual({ has_answer: false });
    const after = await stack.conversations.read('looping', 'l1');
    expect(after.conversation).toEqual(before.conversation);
    expect(after.handoff).toMatchObject({ reason: 'scenario_error' });
    await stack.gateway.waitForLog(/"reason":"scenario_error"/);
    await stack.workers[0].waitForLog(/step_limit|more than \d+ steps/);
  });

  it('moves chats in progress to a new version at their next turn', async () => {
    const webim = stack.webim(await stack.addChannel('shop', V1));
    expect(transcript((await webim.newChat('in-a')).body)).toEqual(['v1: pick one', '[a,b]']);
    expect(transcript((await webim.press('in-a', 'a', 'A')).body)).toEqual(['v1: in A']);
    await webim.newChat('in-b');
    expect(transcript((await webim.press('in-b', 'b', 'B')).body)).toEqual(['v1: in B']);

    const trained = await put('shop', V2);
    expect(trained.status).toBe(200);
    const { version } = (await trained.json()) as { version: number };

    // The chat waiting in in_a goes on in v2: its next step is v2's welcome.
    expect(transcript((await webim.say('in-a', 'next')).body)).toEqual(['v2: pick one', '[a]']);
    // in_b is gone from v2: that chat restarts at the start branch with the visitor's message
    // as its first input, and the worker logs the restart.
    expect(transcript((await webim.say('in-b', 'next')).body)).toEqual([
      'v2: pick one',
      '[a]',
      'v2: in A',
    ]);
    await stack.workers[0].waitForLog(/Conversation restarted at the start branch/);
    const { conversation } = await stack.conversations.read('shop', 'in-b');
    expect(conversation?.agentVersion).toBe(version);
  });
});
