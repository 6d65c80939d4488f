import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Launcher, LocalRedisServer } from '@app/launcher';
import { NpmStart, startNpmStart, stopNpmStart } from './support/npm-start';
import { waitFor } from './support/wait-for';
import { transcript, WebimClient } from './support/webim-client';

// The README's walkthrough ("From zero to an active channel") against `npm start`: the stack runs
// the example shop and allows the worker to call it; the admin stores the shop's printed token
// as SHOP_TOKEN, trains agents/examples/order-status.yaml and activates a channel; the order's
// status then comes from the shop through the webhook. The example's address names the default
// EXAMPLE_SHOP_PORT; here the shop has a free port, so the address is changed to it.

const EXAMPLE = join(__dirname, '../agents/examples/order-status.yaml');

describe('npm start runs the example shop the order-status walkthrough calls', () => {
  const launcher = new Launcher();
  const adminToken = randomBytes(24).toString('base64url');
  let redis: LocalRedisServer;
  let stack: NpmStart;
  let baseUrl: string;
  let shopPort: number;
  let shopUrl: string;
  let shopToken: string;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}/api${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) },
    });
  const storeShopToken = (value: string) =>
    api('/secrets/SHOP_TOKEN', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });

  beforeAll(async () => {
    redis = await launcher.startRedis();
    const [port, workerPort] = [await freePort(), await freePort()];
    shopPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // No EGRESS_* settings: the stack allows the shop itself.
    stack = startNpmStart({
      REDIS_URL: redis.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_HTTP_PORT: String(workerPort),
      ADMIN_TOKEN: adminToken,
      SEED_DEMO: 'false',
      EXAMPLE_SHOP_PORT: String(shopPort),
    });
    await waitFor(
      'the stack to be ready',
      async () => (await fetch(`${baseUrl}/health/ready`).catch(() => null))?.status === 200,
      { timeoutMs: 30_000, everyMs: 200 },
    );
    shopUrl = /Example shop on (\S+)\/orders\/\{id\}/.exec(stack.output())![1];
    shopToken = /Example shop token \(generated[^)]*\): (\S+)/.exec(stack.output())![1];
  });
  afterAll(async () => {
    if (stack) await stopNpmStart(stack);
    await launcher.stop();
  });

  it('prints the shop, which answers its orders only with the bearer token', async () => {
    expect(shopUrl).toBe(`http://127.0.0.1:${shopPort}`);
    const order = (id: string, token?: string) =>
      fetch(`${shopUrl}/orders/${id}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const found = await order('200777', shopToken);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({
      id: '200777',
      status: 'processing',
      items: [{ name: 'Oolong tea', quantity: 1 }],
    });
    expect((await order('999999', shopToken)).status).toBe(404);
    expect((await order('200777')).status).toBe(401);
    expect((await order('200777', `${shopToken}x`)).status).toBe(401);
    expect((await fetch(`${shopUrl}/orders/200777`, { method: 'POST' })).status).toBe(405);
  });

  it("walks through the README: the order's status comes from the shop", async () => {
    // 0. The shop's printed token, stored as the secret the example names.
    expect((await storeShopToken(shopToken)).status).toBe(201);

    // 1. Train the example.
    const source = readFileSync(EXAMPLE, 'utf8');
    expect(source).toContain("url: 'http://127.0.0.1:3002/orders/{{order_id}}'");
    const trained = await api('/agents/orders', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: source.replaceAll('127.0.0.1:3002', `127.0.0.1:${shopPort}`),
    });
    expect(trained.status).toBe(200);
    expect(await trained.json()).toMatchObject({ id: 'orders', trained: true });

    // 2. Create and activate a channel.
    const created = await api('/channels', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Orders',
        agentId: 'orders',
        activate: true,
        webim: { domain: 'demo.webim.ru', email: 'bot@example.com', password: 's3cret' },
      }),
    });
    const channel = (await created.json()) as {
      id: string;
      webhookUrl: string;
      activation: { activated: boolean };
    };
    expect(channel.activation.activated).toBe(true);

    // 3. Talk to it as Webim would.
    const webim = new WebimClient(channel.webhookUrl);
    const hello = await webim.post({
      event: 'new_chat',
      chat: { id: 'chat-9' },
      visitor: { id: 'v-9', firstname: 'Ann' },
    });
    expect(transcript(hello.body)).toEqual([
      'Hello, Ann! I can tell you the status of your order.',
      'Please type your 6-digit order number, for example 123456.',
    ]);
    const shipped = await webim.say('chat-9', '123456');
    expect(transcript(shipped.body)).toEqual([
      'Order 123456 has shipped. It usually arrives within 1-3 business days.',
      'What would you like to do next?',
      '[another|human,done]',
    ]);
    await webim.press('chat-9', 'another', 'Check another order');
    expect(transcript((await webim.say('chat-9', '310001')).body)[0]).toBe(
      'Order 310001 has been delivered. Enjoy!',
    );
    await webim.press('chat-9', 'another', 'Check another order');
    expect(transcript((await webim.say('chat-9', '999999')).body)[0]).toBe(
      'I could not find order 999999. Please check the number in your confirmation email, or talk to a person (Monday to Friday, 9:00-18:00).',
    );

    // A wrong token is refused by the shop, and the chat goes to a person.
    expect((await storeShopToken(`${shopToken}-wrong`)).status).toBe(200);
    await webim.newChat('chat-10');
    expect((await webim.say('chat-10', '123456')).body).toEqual({ has_answer: false });
    const chat = (await (await api(`/channels/${channel.id}/chats/chat-10`)).json()) as {
      lastHandoff: unknown;
    };
    expect(JSON.stringify(chat.lastHandoff)).toContain('shop_unavailable');
  });

  it('stops at once, naming the setting, when the shop port is taken', async () => {
    const second = startNpmStart({
      REDIS_URL: redis.url,
      PORT: String(await freePort()),
      ADMIN_TOKEN: adminToken,
      SEED_DEMO: 'false',
      EXAMPLE_SHOP_PORT: String(shopPort),
    });
    const [code] = (await once(second.process, 'exit')) as [number];
    expect(code).toBe(1);
    expect(second.output()).toContain(
      `The example shop's port ${shopPort} is taken: set EXAMPLE_SHOP_PORT to a free port, or to 0 for no shop`,
    );
    expect(second.output()).not.toContain('Embedded Redis');
  });
});
