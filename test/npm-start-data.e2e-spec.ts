import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, Launcher } from '@app/launcher';
import { Banner, bannerOf, NpmStart, startNpmStart, stopNpmStart } from './support/npm-start';
import { transcript, WebimClient } from './support/webim-client';

// `npm start` keeps its work in its data folder (`.data` in its working directory): the embedded
// Redis's append-only file, and the admin token, secrets key and example shop token it generated.
// An agent trained, a secret stored and a channel created before a restart all work after it,
// under the same admin token and demo webhook URL; `--fresh` and STACK_FRESH=1 start empty. Each
// start ends with the banner; on a terminal (LOG_FORMAT=pretty here, as there is no terminal)
// only one line per process comes before it.

const EXAMPLE = join(__dirname, '../agents/examples/order-status.yaml');

describe('npm start keeps its work between starts', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'wg-stack-data-'));
  const launcher = new Launcher();
  let env: Record<string, string>;
  let baseUrl: string;
  let shopPort: number;
  let running: NpmStart | undefined;
  let first: Banner;
  let channelWebhookUrl: string;

  const start = async (more: Record<string, string> = {}, args: string[] = []) => {
    running = startNpmStart({ ...env, ...more }, { args, cwd });
    return bannerOf(running);
  };
  const stop = async () => {
    const code = running ? await stopNpmStart(running) : 0;
    running = undefined;
    expect(code).toBe(0);
  };
  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}/api${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
  const shopToken = (output: string) =>
    /Example shop token \(generated[^)]*\): (\S+)/.exec(output)?.[1];

  beforeAll(async () => {
    const port = await freePort();
    shopPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // No REDIS_URL, ADMIN_TOKEN, SECRETS_KEY or EXAMPLE_SHOP_TOKEN: all embedded or generated.
    env = {
      NODE_ENV: 'development',
      LOG_FORMAT: 'pretty',
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_HTTP_PORT: String(await freePort()),
      EXAMPLE_SHOP_PORT: String(shopPort),
    };
  });
  afterAll(async () => {
    if (running) await stopNpmStart(running);
    await launcher.stop();
  });

  it('prints one line per process ready, then the banner, last; the logs go to files', async () => {
    first = await start();
    const output = running!.output();
    expect(output.endsWith(`${first.text}\n`)).toBe(true);
    expect(first.playgroundUrl).toBe(`http://localhost:${env.PORT}/playground`);
    expect(first.demoWebhookUrl).toMatch(
      new RegExp(`^http://localhost:${env.PORT}/webim/demo/[A-Za-z0-9_-]{20,}$`),
    );
    expect(first.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.text).toContain(`${first.adminToken} (generated; set ADMIN_TOKEN to choose one)`);
    expect(first.text).toContain(
      'Kept in .data between starts; npm start -- --fresh starts empty.',
    );
    expect(first.text).toContain('Logs: .data/logs');

    const above = output
      .slice(0, output.length - first.text.length)
      .split('\n')
      .filter(Boolean);
    expect(above).toHaveLength(6);
    expect(above).toEqual(
      expect.arrayContaining([
        `Example shop on http://127.0.0.1:${shopPort}/orders/{id} (EXAMPLE_SHOP_PORT=0 turns it off)`,
        expect.stringMatching(/^Example shop token \(generated; set EXAMPLE_SHOP_TOKEN/),
        expect.stringMatching(
          /^Redis ready: embedded on redis:\/\/127\.0\.0\.1:\d+, its data in \.data\/redis /,
        ),
        'SECRETS_KEY is not set: the gateway and worker share a key kept in .data/generated.env',
        'Worker ready',
        `Gateway ready on port ${env.PORT}`,
      ]),
    );
    // The processes' own lines are in their logs, as JSON.
    for (const app of ['gateway', 'worker']) {
      const log = readFileSync(join(cwd, `.data/logs/${app}.log`), 'utf8');
      expect(log).toContain(`"app":"${app}"`);
      expect(output).not.toContain(`"app":"${app}"`);
    }
    expect(readFileSync(join(cwd, '.data/logs/redis.log'), 'utf8')).toContain(
      'Ready to accept connections',
    );
  });

  it('keeps an agent, a secret, a channel, the admin token and the demo URL across a restart', async () => {
    const shop = shopToken(running!.output())!;
    // Before: the shop's token stored as a secret, the example trained, a channel created.
    const stored = await api(first.adminToken, '/secrets/SHOP_TOKEN', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: shop }),
    });
    expect(stored.status).toBe(201);
    const trained = await api(first.adminToken, '/agents/orders', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: readFileSync(EXAMPLE, 'utf8').replaceAll('127.0.0.1:3002', `127.0.0.1:${shopPort}`),
    });
    expect(trained.status).toBe(200);
    const created = await api(first.adminToken, '/channels', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Orders',
        agentId: 'orders',
        activate: true,
        webim: { domain: 'demo.webim.ru', email: 'bot@example.com', password: 's3cret' },
      }),
    });
    expect(created.status).toBe(201);
    channelWebhookUrl = ((await created.json()) as { webhookUrl: string }).webhookUrl;
    await stop();
    expect(existsSync(join(cwd, '.data/stack.pid'))).toBe(false);

    const second = await start();
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.demoWebhookUrl).toBe(first.demoWebhookUrl);
    expect(shopToken(running!.output())).toBe(shop);
    expect(second.text).toContain('(generated; set ADMIN_TOKEN to choose one)');

    const agent = await api(second.adminToken, '/agents/orders');
    expect(agent.status).toBe(200);
    expect(await agent.json()).toMatchObject({ id: 'orders', version: 1 });
    // The channel answers with the agent, whose call opens the secret sealed before the restart
    // and presents the shop's token, the same as before.
    const webim = new WebimClient(channelWebhookUrl);
    await webim.newChat('after-restart');
    expect(transcript((await webim.say('after-restart', '123456')).body)[0]).toBe(
      'Order 123456 has shipped. It usually arrives within 1-3 business days.',
    );
    const demo = await new WebimClient(second.demoWebhookUrl).newChat('demo-1');
    expect(demo.body.has_answer).toBe(true);
  });

  it('refuses a second npm start on the same data folder while one runs', async () => {
    const second = startNpmStart(
      { ...env, PORT: String(await freePort()), EXAMPLE_SHOP_PORT: '0' },
      { cwd },
    );
    const [code] = (await once(second.process, 'exit')) as [number];
    expect(code).toBe(1);
    expect(second.output()).toContain(
      `Another npm start (pid ${running!.process.pid}) is using the data folder .data: stop it ` +
        'first, or set STACK_DATA_DIR to another folder',
    );
    // The first one still serves.
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
  });

  it('starts empty with --fresh: new tokens, no agents; the banner is last under JSON logs too', async () => {
    await stop();
    const fresh = await start({ LOG_FORMAT: 'json' }, ['--fresh']);
    const output = running!.output();
    expect(output.endsWith(`${fresh.text}\n`)).toBe(true);
    expect(output).toContain('"app":"gateway"'); // every process's own lines, above the banner
    expect(fresh.text).not.toContain('Logs:');

    expect(fresh.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fresh.adminToken).not.toBe(first.adminToken);
    expect(fresh.demoWebhookUrl).not.toBe(first.demoWebhookUrl);
    expect((await api(first.adminToken, '/agents')).status).toBe(401);
    expect((await api(fresh.adminToken, '/agents/orders')).status).toBe(404);
    expect((await api(fresh.adminToken, '/secrets/SHOP_TOKEN')).status).toBe(404);
    expect((await new WebimClient(channelWebhookUrl).newChat('gone')).status).toBe(404);
    expect((await new WebimClient(first.demoWebhookUrl).newChat('gone')).status).toBe(404);
    expect((await new WebimClient(fresh.demoWebhookUrl).newChat('demo-2')).body.has_answer).toBe(
      true,
    );
  });

  it('starts empty with STACK_FRESH=1 too', async () => {
    const previous = (await bannerOf(running!)).adminToken;
    expect((await api(previous, '/agents')).status).toBe(200);
    await stop();
    const fresh = await start({ STACK_FRESH: '1' });
    expect(fresh.adminToken).not.toBe(previous);
    expect((await api(previous, '/agents')).status).toBe(401);
    expect((await api(fresh.adminToken, '/agents')).status).toBe(200);
  });

  it('refuses to start on the Redis a killed start left running, before --fresh removes a thing', async () => {
    // What a stack killed outright leaves: its redis-server, still writing to the folder.
    const dir = mkdtempSync(join(tmpdir(), 'wg-stack-left-'));
    mkdirSync(join(dir, '.data/redis'), { recursive: true });
    const leftover = await launcher.startRedis({
      dataDir: join(dir, '.data/redis'),
      pidFile: join(dir, '.data/redis/redis-server.pid'),
    });
    const stack = startNpmStart(
      { ...env, PORT: String(await freePort()) },
      {
        cwd: dir,
        args: ['--fresh'],
      },
    );
    const [code] = (await once(stack.process, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stack.output()).toContain(
      `A redis-server left running by an earlier npm start (pid ${leftover.pid}) still holds ` +
        `.data/redis: stop it (kill ${leftover.pid}) and start again`,
    );
    expect(leftover.running).toBe(true);
    expect(existsSync(join(dir, '.data/redis/appendonlydir'))).toBe(true);
    expect(existsSync(join(dir, '.data/stack.pid'))).toBe(false);
    // Stopped, it removes its pid file, and the folder is free again.
    await leftover.stop();
    expect(existsSync(join(dir, '.data/redis/redis-server.pid'))).toBe(false);
  });
});
