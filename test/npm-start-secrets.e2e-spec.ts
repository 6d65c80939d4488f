import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CatalogStore, newWebhookToken } from '@app/catalog';
import { freePort, Launcher, LocalRedisServer } from '@app/launcher';
import { FakeBackend } from './support/fake-backend';
import { NpmStart, startNpmStart, stopNpmStart } from './support/npm-start';
import { waitFor } from './support/wait-for';
import { transcript, WebimClient } from './support/webim-client';

// `npm start` without SECRETS_KEY: the gateway that seals a stored secret and the worker that
// sends it share the one key the stack generated for the run, so a call step's secret header
// reaches the backend.

describe('npm start shares one SECRETS_KEY between the gateway and the worker', () => {
  const launcher = new Launcher();
  const adminToken = randomBytes(24).toString('base64url');
  const shopKey = `shop-key-${randomBytes(12).toString('hex')}`;
  let redis: LocalRedisServer;
  let client: Redis;
  let backend: FakeBackend;
  let stack: NpmStart;
  let baseUrl: string;

  beforeAll(async () => {
    [redis, backend] = await Promise.all([launcher.startRedis(), FakeBackend.start()]);
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // A directory without a .env, and an environment without SECRETS_KEY.
    stack = startNpmStart({
      REDIS_URL: redis.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_HTTP_PORT: String(await freePort()),
      ADMIN_TOKEN: adminToken,
      SEED_DEMO: 'false',
      EXAMPLE_SHOP_PORT: '0',
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      EGRESS_ALLOWED_PRIVATE: '127.0.0.1',
    });
    await waitFor(
      'the stack to be ready',
      async () => (await fetch(`${baseUrl}/health/ready`).catch(() => null))?.status === 200,
      { timeoutMs: 30_000, everyMs: 200 },
    );
  });
  afterAll(async () => {
    if (stack) await stopNpmStart(stack);
    client?.disconnect();
    await backend?.stop();
    await launcher.stop();
  });

  it("sends a secret the gateway stored in a worker's call", async () => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) },
      });
    const stored = await api('/api/secrets/SHOP_KEY', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: shopKey }),
    });
    expect(stored.status).toBeLessThan(300);

    const catalog = new CatalogStore(client, 'wg');
    await catalog.putAgent(
      'shop',
      `
start: ask
branches:
  ask:
    - wait: {}
    - call:
        url: '${backend.url('/orders/1')}'
        headers: { x-shop-key: '{{secret.SHOP_KEY}}' }
        on: { error: failed, timeout: failed }
    - say: 'Sent'
  failed:
    - say: 'Failed'
`,
    );
    const now = new Date().toISOString();
    await catalog.createChannelIfAbsent({
      id: 'shop',
      name: 'shop',
      agentId: 'shop',
      status: 'active',
      token: newWebhookToken(),
      configVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    const channels = (await (await api('/api/channels')).json()) as Array<{
      id: string;
      webhookUrl: string;
    }>;
    const webim = new WebimClient(channels.find((c) => c.id === 'shop')!.webhookUrl);
    await webim.newChat('s1');
    expect(transcript((await webim.say('s1', 'go')).body)).toEqual(['Sent']);
    expect(backend.received.at(-1)?.headers['x-shop-key']).toBe(shopKey);
    expect(stack.output()).toContain('SECRETS_KEY is not set: the gateway and worker share a key');
    expect(stack.output()).not.toContain(shopKey);
    // EXAMPLE_SHOP_PORT=0: no example shop.
    expect(stack.output()).not.toContain('Example shop');
  });
});
