import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// Settings written only in `.env` (in the processes' working directory, none of them in their
// environment) reach every part of the gateway and the worker that uses them. Each value differs
// from its default, so a part that read the environment alone would show the default instead.

const LOCK_MS = 7000; // default 30000
const BUDGET_MS = 1200; // default 4000
const TURNS_QUEUE = 'webim-turns';
const PROACTIVE_QUEUE = 'webim-proactive';

/** Every turn pauses for as long as its lease allows, so its job stays active that long. */
const PAUSING_AGENT = `
start: slow
branches:
  slow:
    - pause: 60000
    - say: "too late"
`;

/** Its incoming request pauses for as long as a proactive turn may (4 s). */
const PAUSING_EVENT_AGENT = `
events:
  slow: slow
start: hello
branches:
  hello:
    - say: "Hello."
    - goto: listen
  listen:
    - wait: {}
    - goto: listen
  slow:
    - pause: 60000
    - say: "done"
    - goto: listen
`;

describe('settings from .env', () => {
  let stack: TestStack;
  let webhook: string;
  beforeAll(async () => {
    stack = await TestStack.start({
      env: {
        WORKER_LOCK_MS: String(LOCK_MS),
        WORKER_CONCURRENCY: '2',
        PROACTIVE_CONCURRENCY: '3',
        REPLY_BUDGET_MS: String(BUDGET_MS),
        // Keeps a paused turn's job active for BUDGET_MS + 4 s, time to look at it.
        TURN_GRACE_MS: '4000',
      },
      dotEnv: [
        'PORT',
        'ADMIN_TOKEN',
        'WORKER_LOCK_MS',
        'WORKER_CONCURRENCY',
        'PROACTIVE_CONCURRENCY',
        'REPLY_BUDGET_MS',
        'TURN_GRACE_MS',
      ],
    });
    webhook = await stack.addChannel('slow', PAUSING_AGENT);
  });
  afterAll(() => stack.close());

  const get = (path: string, authorization: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: { authorization } });
  const basic = (password: string) =>
    `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  it('the gateway listens on its PORT', async () => {
    const response = await fetch(`${stack.baseUrl}/health/live`);
    expect(response.status).toBe(200);
  });

  it('the management API and Bull Board take its ADMIN_TOKEN, and only that', async () => {
    const other = 'another-token-of-enough-length';
    expect((await get('/api/channels', `Bearer ${stack.adminToken}`)).status).toBe(200);
    expect((await get('/api/channels', `Bearer ${other}`)).status).toBe(401);
    expect((await get('/admin/queues', basic(stack.adminToken))).status).toBe(200);
    expect((await get('/admin/queues', basic(other))).status).toBe(401);
  });

  it('a turn is handed off after its REPLY_BUDGET_MS', async () => {
    const { body, ms } = await stack.webim(webhook).newChat('budget');
    expect(body).toEqual({ has_answer: false });
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(ms).toBeLessThan(3000);
  });

  it("a running turn's job lock lasts WORKER_LOCK_MS", async () => {
    const { queue } = await stack.bull(TURNS_QUEUE);
    const handedOff = stack.webim(webhook).newChat('lock');
    const job = await waitFor('an active turn', async () => (await queue.getActive())[0]);
    // BullMQ renews the lock every half of its duration, each time for the whole of it.
    const ttl = await stack.client.pttl(`{wg}:${TURNS_QUEUE}:${job.id}:lock`);
    expect(ttl).toBeGreaterThan(LOCK_MS / 2 - 1000);
    expect(ttl).toBeLessThanOrEqual(LOCK_MS);
    await handedOff;
    await waitFor('the turn to end', async () => (await queue.getActiveCount()) === 0, {
      timeoutMs: 15_000,
    });
  });

  it('the worker runs WORKER_CONCURRENCY turns at once', async () => {
    const { events } = await stack.bull(TURNS_QUEUE);
    const active = new Set<string>();
    let most = 0;
    let finished = 0;
    // Turns of the tests before may still report their end: only this test's count.
    const ended = ({ jobId }: { jobId: string }) => {
      if (active.delete(jobId)) finished++;
    };
    events.on('active', ({ jobId }) => {
      active.add(jobId);
      most = Math.max(most, active.size);
    });
    events.on('completed', ended);
    events.on('failed', ended);
    const chats = ['c1', 'c2', 'c3', 'c4'];
    const answers = await Promise.all(chats.map((chat) => stack.webim(webhook).newChat(chat)));
    expect(answers.map((a) => a.body)).toEqual(chats.map(() => ({ has_answer: false })));
    // The first two run out their lease; the last two start only then, past their deadline.
    await waitFor('every turn to end', () => finished === chats.length, { timeoutMs: 20_000 });
    expect(most).toBe(2);
  });

  it('the worker runs PROACTIVE_CONCURRENCY incoming requests at once', async () => {
    const { events } = await stack.bull(PROACTIVE_QUEUE);
    const webim = stack.webim(await stack.addChannel('events', PAUSING_EVENT_AGENT));
    const chats = ['e1', 'e2', 'e3', 'e4'];
    for (const chat of chats) await webim.newChat(chat);
    const active = new Set<string>();
    let most = 0;
    let finished = 0;
    events.on('active', ({ jobId }) => {
      active.add(jobId);
      most = Math.max(most, active.size);
    });
    events.on('completed', ({ jobId }) => {
      if (active.delete(jobId)) finished++;
    });
    for (const chat of chats) {
      const response = await stack.api(`/api/channels/events/chats/${chat}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'slow' }),
      });
      expect(response.status).toBe(202);
    }
    // Three run out their pause together; the fourth starts only when one of them ends.
    await waitFor('every request to end', () => finished === chats.length, { timeoutMs: 20_000 });
    expect(most).toBe(3);
  });
});

describe('an invalid setting in .env', () => {
  const dist = join(__dirname, '../dist/apps');
  const directories: string[] = [];
  afterAll(() => directories.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /**
   * Starts an app from dist/ that must refuse its configuration; resolves with what it printed:
   * one JSON line (LOG_FORMAT=json), without its time, and nothing on stderr.
   */
  async function refusedStart(
    app: 'gateway' | 'worker',
    cwd: string,
    env: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const run = promisify(execFile)(process.execPath, [join(dist, app, 'main.js')], {
      cwd,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_FORMAT: 'json', ...env },
    });
    const failure = (await run.then(
      () => {
        throw new Error(`${app} started`);
      },
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe('');
    const lines = failure.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    const { time, ...line } = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(time).toEqual(expect.any(Number));
    return line;
  }

  function directoryWith(dotEnv?: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'wg-env-'));
    directories.push(dir);
    if (dotEnv) {
      const lines = Object.entries(dotEnv).map(([name, value]) => `${name}=${value}\n`);
      writeFileSync(join(dir, '.env'), lines.join(''));
    }
    return dir;
  }

  it.each([
    [
      'gateway',
      { REPLY_BUDGET_MS: '4950', ADMIN_TOKEN: 'too-short' },
      [
        'ADMIN_TOKEN: must be at least 16 characters (got "<redacted>")',
        `REPLY_BUDGET_MS: must be below Webim's 5000 ms window minus 100 ms (got "4950")`,
      ],
    ],
    [
      'worker',
      { WORKER_LOCK_MS: '100' },
      ['WORKER_LOCK_MS: must not be less than 500 (got "100")'],
    ],
  ] as const)(
    'stops the %s with the message the same value in the environment gives',
    async (app, bad, problems) => {
      const fromFile = await refusedStart(app, directoryWith(bad), {});
      const fromEnvironment = await refusedStart(app, directoryWith(), bad);
      expect(fromFile).toEqual({
        level: 50,
        app,
        problems,
        msg: `Invalid configuration: ${problems.join('; ')}`,
      });
      expect(fromEnvironment).toEqual(fromFile);
    },
  );
});
