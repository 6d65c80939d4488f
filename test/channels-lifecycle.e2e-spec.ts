import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@app/launcher';
import { dumpRedis } from './support/redis-dump';
import { TestStack } from './support/test-stack';
import { transcript } from './support/webim-client';

// A channel's lifecycle through the management API: Create, Create & Activate, Apply, Save &
// Activate, Deactivate, rotate the token, Delete, with the activation checks that guard it.

const SHOP = readFileSync(join(__dirname, '../agents/demo.yaml'), 'utf8');
const PASSWORD = 'correct horse battery staple';

interface Check {
  name: string;
  ok: boolean;
  reason: string;
}
interface Channel {
  id: string;
  name: string;
  agentId: string;
  status: 'active' | 'inactive';
  webhookUrl: string;
  webim: { domain: string | null; email: string | null; passwordSet: boolean };
  configVersion: number;
  activation?: { activated: boolean; checks: Check[] };
}

function json(body: unknown): RequestInit {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

describe('channel lifecycle through the management API', () => {
  let stack: TestStack;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await stack.api(path, { method, ...(body === undefined ? {} : json(body)) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };

  beforeAll(async () => {
    stack = await TestStack.start({ env: { SECRETS_KEY: 'ab'.repeat(32) } });
    const trained = await stack.api('/api/agents/shop', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: SHOP,
    });
    expect(trained.status).toBe(200);
  });
  afterAll(() => stack?.close());

  it('Create: saved inactive with defaults, its webhook hands off, the password sealed', async () => {
    const created = await call<Channel>('POST', '/api/channels', {
      agentId: 'shop',
      webim: { domain: 'shop.webim.ru', email: 'bot@shop.example', password: PASSWORD },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'New channel',
      agentId: 'shop',
      status: 'inactive',
      webim: { domain: 'shop.webim.ru', email: 'bot@shop.example', passwordSet: true },
    });
    expect(created.body.activation).toBeUndefined();
    expect(JSON.stringify(created.body)).not.toContain(PASSWORD);
    const token = created.body.webhookUrl.split('/').pop()!;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16); // ≥ 128 bits

    const webim = stack.webim(created.body.webhookUrl);
    expect((await webim.newChat('inactive-1')).body).toEqual({ has_answer: false });
    const described = await fetch(created.body.webhookUrl);
    expect(await described.json()).toMatchObject({ channel: { id: created.body.id } });

    // At rest: no key or value in Redis holds the plaintext; the record holds a sealed value.
    const dump = await dumpRedis(stack.client);
    for (const [key, value] of dump) expect(`${key} ${value}`).not.toContain(PASSWORD);
    const raw = JSON.parse((await stack.client.get(`wg:channel:${created.body.id}`))!);
    expect(raw.webim.passwordSealed).toMatch(/^v1\./);
    const read = await call<Channel>('GET', `/api/channels/${created.body.id}`);
    expect(read.body.webim.passwordSet).toBe(true);
    expect(JSON.stringify(read.body)).not.toMatch(/sealed|horse/);
  });

  it('Create & Activate: every check passes and the bot answers at once', async () => {
    const created = await call<Channel>('POST', '/api/channels', {
      name: 'Shop',
      agentId: 'shop',
      activate: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('active');
    expect(created.body.activation!.activated).toBe(true);
    expect(created.body.activation!.checks.map((c) => [c.name, c.ok])).toEqual([
      ['agent_trained', true],
      ['webhook_registered', true],
      ['address_accessible', true],
    ]);
    const answer = await stack.webim(created.body.webhookUrl).newChat('active-1');
    expect(transcript(answer.body)[0]).toMatch(/demo support bot/);
  });

  it('Apply with failing checks changes nothing; Apply with passing checks takes effect', async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', {
      name: 'Apply me',
      agentId: 'shop',
      activate: true,
    });
    const refused = await call<{ message: string; details: Check[] }>(
      'PATCH',
      `/api/channels/${channel.id}`,
      { name: 'Renamed', agentId: 'no-such-agent' },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/nothing changed/);
    const failed = refused.body.details.filter((c) => !c.ok);
    expect(failed).toEqual([
      expect.objectContaining({
        name: 'agent_trained',
        reason: expect.stringMatching(/no-such-agent/),
      }),
    ]);
    const after = await call<Channel>('GET', `/api/channels/${channel.id}`);
    expect(after.body).toMatchObject({
      name: 'Apply me',
      agentId: 'shop',
      status: 'active',
      configVersion: channel.configVersion,
    });
    const answer = await stack.webim(channel.webhookUrl).newChat('apply-1');
    expect(answer.body.has_answer).toBe(true);

    const applied = await call<Channel>('PATCH', `/api/channels/${channel.id}`, {
      name: 'Applied',
    });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ name: 'Applied', status: 'active' });
    expect(applied.body.activation!.activated).toBe(true);
    expect(applied.body.configVersion).toBe(channel.configVersion + 1);
  });

  it('Save, then Save & Activate an inactive channel', async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', { agentId: 'shop' });
    const saved = await call<Channel>('PATCH', `/api/channels/${channel.id}`, { name: 'Saved' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ name: 'Saved', status: 'inactive' });
    expect(saved.body.activation).toBeUndefined();

    const activated = await call<Channel>('PATCH', `/api/channels/${channel.id}`, {
      name: 'Saved and active',
      activate: true,
    });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ name: 'Saved and active', status: 'active' });
    expect(activated.body.activation!.activated).toBe(true);
    expect((await stack.webim(channel.webhookUrl).newChat('saved-1')).body.has_answer).toBe(true);
  });

  it('Save & Activate with an untrained agent saves the change but leaves the channel inactive', async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', { agentId: 'shop' });
    const result = await call<Channel>('PATCH', `/api/channels/${channel.id}`, {
      agentId: 'later',
      activate: true,
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ agentId: 'later', status: 'inactive' });
    expect(result.body.activation!.activated).toBe(false);
    const activate = await call<{ details: Check[] }>(
      'POST',
      `/api/channels/${channel.id}/activate`,
    );
    expect(activate.status).toBe(422);
    expect(activate.body.details.find((c) => c.name === 'agent_trained')!.ok).toBe(false);
  });

  it('Deactivate hands chats off; rotating the token retires the old URL; Delete removes it', async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', {
      agentId: 'shop',
      activate: true,
    });
    const webim = stack.webim(channel.webhookUrl);
    expect((await webim.newChat('life-1')).body.has_answer).toBe(true);

    const deactivated = await call<Channel>('POST', `/api/channels/${channel.id}/deactivate`);
    expect(deactivated.body.status).toBe('inactive');
    expect((await webim.say('life-1', 'hello?')).body).toEqual({ has_answer: false });

    const rotated = await call<Channel>('POST', `/api/channels/${channel.id}/rotate-token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookUrl).not.toBe(channel.webhookUrl);
    expect((await webim.say('life-1', 'old url')).status).toBe(404);
    const reactivated = await call<Channel>('POST', `/api/channels/${channel.id}/activate`);
    expect(reactivated.body.status).toBe('active');
    const fresh = stack.webim(rotated.body.webhookUrl);
    expect((await fresh.newChat('life-2')).body.has_answer).toBe(true);

    expect((await call('DELETE', `/api/channels/${channel.id}`)).status).toBe(204);
    expect((await call('GET', `/api/channels/${channel.id}`)).status).toBe(404);
    expect((await fresh.say('life-2', 'anyone?')).status).toBe(404);
    expect((await call('DELETE', `/api/channels/${channel.id}`)).status).toBe(404);
  });

  it('concurrent edits never lose one: each is applied or refused with 409', async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', { agentId: 'shop' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call<Channel>('PATCH', `/api/channels/${channel.id}`, { name: `edit ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const applied = results.filter((r) => r.status === 200);
    const final = await call<Channel>('GET', `/api/channels/${channel.id}`);
    expect(final.body.configVersion).toBe(channel.configVersion + applied.length);
    const winner = applied.find((r) => r.body.configVersion === final.body.configVersion)!;
    expect(final.body.name).toBe(winner.body.name);
  });

  it('agents: listed with their channels and versions; DELETE refused while in use', async () => {
    await stack.api('/api/agents/spare', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: SHOP,
    });
    await stack.api('/api/agents/spare', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: SHOP,
    });
    const list = await call<{ id: string; version: number; channels: string[] }[]>(
      'GET',
      '/api/agents',
    );
    const shop = list.body.find((a) => a.id === 'shop')!;
    expect(shop.channels.length).toBeGreaterThan(0);
    expect(list.body.find((a) => a.id === 'spare')).toMatchObject({ version: 2, channels: [] });

    const spare = await call<{
      source: string;
      versions: { version: number; tests: { passed: number; failed: number } }[];
      tests: { name: string; passed: boolean }[];
    }>('GET', '/api/agents/spare');
    expect(spare.body.source).toBe(SHOP);
    expect(spare.body.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(spare.body.versions[0].tests.passed).toBeGreaterThan(0);
    expect(spare.body.tests.every((t) => t.passed)).toBe(true);

    const inUse = await call<{ details: { channel: string }[] }>('DELETE', '/api/agents/shop');
    expect(inUse.status).toBe(409);
    expect(inUse.body.details).toContainEqual({ channel: shop.channels[0] });
    expect((await call('DELETE', '/api/agents/spare')).status).toBe(204);
    expect((await call('GET', '/api/agents/spare')).status).toBe(404);
  });

  it('records every turn in the transcript: input, answers, buffered deliveries, hand-offs', async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', {
      agentId: 'shop',
      activate: true,
    });
    const webim = stack.webim(channel.webhookUrl);
    await webim.newChat('t-1');
    const event = await stack.api(`/api/channels/${channel.id}/chats/t-1/events`, {
      method: 'POST',
      ...json({ name: 'order_shipped', data: { order_id: 'A-7' } }),
    });
    expect(event.status).toBe(202);
    const { events } = await stack.bull('webim-proactive');
    const { id } = (await event.json()) as { id: string };
    await (await (await stack.bull('webim-proactive')).queue.getJob(id))!.waitUntilFinished(events);
    const delivered = await webim.press('t-1', 'delivery', 'Delivery');
    expect(transcript(delivered.body)[0]).toMatch(/order A-7 has shipped/);
    expect((await webim.press('t-1', 'human', 'Talk to a person')).body).toEqual({
      has_answer: false,
    });

    const chat = await call<{
      conversation: unknown;
      transcript: {
        source: string;
        input?: { kind: string };
        messages: { text?: string }[];
        delivered?: { text?: string }[];
        handoff?: { reason: string } | null;
        name?: string;
        at: string;
      }[];
    }>('GET', `/api/channels/${channel.id}/chats/t-1`);
    expect(chat.status).toBe(200);
    expect(chat.body.conversation).toBeTruthy();
    const entries = chat.body.transcript;
    expect(entries.map((e) => [e.source, e.input?.kind ?? e.name])).toEqual([
      ['webim', 'chat_started'],
      ['event', 'order_shipped'],
      ['webim', 'button'],
      ['webim', 'button'],
    ]);
    expect(entries[1].messages[0].text).toMatch(/A-7 has shipped/);
    expect(entries[2].delivered![0].text).toMatch(/A-7 has shipped/);
    expect(entries[3].handoff).toMatchObject({ reason: 'bot_handoff' });
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it("lists a channel's recent chats a page at a time, each exactly once", async () => {
    const { body: channel } = await call<Channel>('POST', '/api/channels', {
      agentId: 'shop',
      activate: true,
    });
    const webim = stack.webim(channel.webhookUrl);
    const ids = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    for (const id of ids) await webim.newChat(id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call<{ chats: { chatId: string }[]; nextCursor: string | null }>(
        'GET',
        `/api/channels/${channel.id}/chats${query}`,
      );
      expect(page.body.chats.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.chats.map((c) => c.chatId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    // A chat last active before the retention (7 days by default) is no longer listed, and
    // the listing drops it from the index.
    const index = `wg:chats:${channel.id}`;
    await stack.client.zadd(index, Date.now() - 8 * 24 * 3600 * 1000, 'p-old');
    const listed = await call<{ chats: { chatId: string }[] }>(
      'GET',
      `/api/channels/${channel.id}/chats?limit=10`,
    );
    expect(listed.body.chats.map((c) => c.chatId)).toEqual([...ids].reverse());
    expect(await stack.client.zscore(index, 'p-old')).toBeNull();
    expect((await call('GET', `/api/channels/${channel.id}/chats?cursor=garbage`)).status).toBe(
      400,
    );
    expect((await call('GET', `/api/channels/${channel.id}/chats?limit=0`)).status).toBe(400);
    expect((await call('GET', `/api/channels/${channel.id}/chats/nobody`)).status).toBe(404);
  });

  it('a gateway instance that does not confirm the configuration blocks activation', async () => {
    // A live instance (it beats) that never acknowledges: as if its Pub/Sub were cut.
    await stack.client.zadd('wg:gateways', Date.now(), 'silent-instance');
    try {
      const created = await call<Channel>('POST', '/api/channels', {
        agentId: 'shop',
        activate: true,
      });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('inactive');
      const check = created.body.activation!.checks.find((c) => c.name === 'webhook_registered')!;
      expect(check.ok).toBe(false);
      expect(check.reason).toMatch(/1 of 2 gateway instance/);
    } finally {
      await stack.client.zrem('wg:gateways', 'silent-instance');
    }
  });

  it('never logs the admin token, a webhook token, the secrets key or a password', async () => {
    // Every suite's TestStack.close() checks this too; here it is asserted with evidence that
    // the logs are there to be searched (debug level, every request).
    stack.secrets.add(PASSWORD);
    expect(stack.allLogs().length).toBeGreaterThan(10_000);
    expect((await stack.catalog.listChannels()).length).toBeGreaterThan(5);
    expect(await stack.leakedSecrets()).toEqual([]);
  });
});

describe('activation checks that fail, and rate limiting', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Webim would call an address where nothing answers.
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    stack = await TestStack.start({
      workers: 0,
      env: { PUBLIC_BASE_URL: nowhere, API_RATE_LIMIT_PER_MINUTE: '15' },
    });
  });
  afterAll(() => stack?.close());

  it('an unreachable address: saved, not activated, and the reason says why', async () => {
    const response = await stack.api('/api/channels', {
      method: 'POST',
      ...json({ agentId: 'demo', activate: true }),
    });
    const channel = (await response.json()) as Channel;
    expect(response.status).toBe(201);
    expect(channel.status).toBe('inactive');
    const address = channel.activation!.checks.find((c) => c.name === 'address_accessible')!;
    expect(address).toMatchObject({ ok: false, reason: expect.stringMatching(/ECONNREFUSED/) });
    expect(address.reason).not.toContain(channel.webhookUrl.split('/').pop()!);
  });

  it('answers 429 in the common error format past the per-minute limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await stack.api('/api/agents')).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(0, statuses.indexOf(429)).every((s) => s === 200)).toBe(true);
    const limited = await stack.api('/api/agents');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // The webhook is not the management API: Webim is never throttled.
    const demo = (await stack.catalog.getChannel('demo'))!;
    const url = `${stack.baseUrl}/webim/demo/${demo.token}`;
    for (let i = 0; i < 20; i++) expect((await fetch(url)).status).toBe(200);
  });
});

describe('a production installation', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 0,
      env: { NODE_ENV: 'production', SECRETS_KEY: 'cd'.repeat(32) },
    });
  });
  afterAll(() => stack?.close());

  it('starts with no channel and no agent but the ones its admins create', async () => {
    expect(await (await stack.api('/api/channels')).json()).toEqual([]);
    expect(await (await stack.api('/api/agents')).json()).toEqual([]);
  });
});
