import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '@app/launcher';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// In production every line a process writes, on stdout or stderr, is one JSON object: also
// while it cannot reach Redis at start, and when its settings are wrong, wherever they came
// from. Errors that repeat while Redis is away are rate-limited. Probes, scrapes and static
// files are not access-logged at `info`.

const DIST = join(__dirname, '../dist/apps');
type App = 'gateway' | 'worker';
type Line = Record<string, unknown> & { level: number; msg: string };

/** A process of the product started from dist/, its stdout and stderr kept apart. */
class Run {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(app: App, env: NodeJS.ProcessEnv, cwd: string) {
    this.child = spawn(process.execPath, [join(DIST, app, 'main.js')], {
      env: { PATH: process.env.PATH, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.stdout.push(d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.stderr.push(d));
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  /** Every line written, stdout then stderr, as text. */
  lines(): string[] {
    return [this.stdout.join(''), this.stderr.join('')]
      .flatMap((text) => text.split('\n'))
      .filter((line) => line !== '');
  }

  /** Every line as JSON; throws naming the first line that is not. */
  json(): Line[] {
    return this.lines().map((line) => {
      try {
        return JSON.parse(line) as Line;
      } catch {
        throw new Error(`Not a JSON line: ${line}`);
      }
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}

const production = (redisUrl: string): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  ADMIN_TOKEN: randomBytes(24).toString('base64url'),
  SECRETS_KEY: randomBytes(32).toString('hex'),
  REDIS_URL: redisUrl,
});

describe('logs in production', () => {
  const runs: Run[] = [];
  const start = (app: App, env: NodeJS.ProcessEnv, cwd = tmpdir()) => {
    const run = new Run(app, env, cwd);
    runs.push(run);
    return run;
  };
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((run) => run.stop()));
  });

  it('are JSON lines, with repeated connection errors rate-limited, while Redis is down at start', async () => {
    // A port nothing listens on: every connection attempt is refused at once.
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const gateway = start('gateway', { ...production(redisUrl), PORT: String(await freePort()) });
    const worker = start('worker', {
      ...production(redisUrl),
      WORKER_HTTP_PORT: String(await freePort()),
    });
    // Its clients retry every 2 s at most, so a line that says how many were dropped comes once
    // the first 10 s are over: the rate limit at work.
    await waitFor(
      'the worker to log a repeated connection error',
      () => worker.json().some((line) => typeof line.suppressed === 'number'),
      { timeoutMs: 30_000, everyMs: 200 },
    );
    // The gateway gives up waiting for Redis after 10 s and says so.
    expect(await gateway.exited).toBe(1);

    for (const run of [gateway, worker]) {
      const lines = run.json(); // every line parses
      const failures = lines.filter((line) => line.level >= 40);
      // One line per connection (2 clients, 2 queues, and the worker's 2 queue workers) at
      // first, one more each per 10 s, where the raw stack traces were ~10 per second.
      const perKind = new Map<string, number>();
      for (const line of failures) {
        const kind = `${line.context as string}|${line.queue as string}|${line.msg}`;
        perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
      }
      for (const [kind, count] of perKind) expect([kind, count <= 3]).toEqual([kind, true]);
      expect(failures.length).toBeLessThanOrEqual(20);
    }
    const gatewayLines = gateway.json();
    expect(gatewayLines.at(-1)).toMatchObject({
      level: 50,
      app: 'gateway',
      msg: expect.stringMatching(/^Gateway failed to start: Redis not reachable/),
    });
    expect(gatewayLines).toContainEqual(
      expect.objectContaining({ msg: 'Redis connection lost; reconnecting', level: 40 }),
    );
    expect(worker.json()).toContainEqual(
      expect.objectContaining({
        msg: 'Turn worker connection error',
        suppressed: expect.any(Number),
      }),
    );
    // Nest's start-up chatter (a line per module and per route) is for `debug`.
    expect(gatewayLines.filter((line) => line.context === 'RouterExplorer')).toEqual([]);
  }, 60_000);

  describe.each(['gateway', 'worker'] as const)('the %s with a wrong setting', (app) => {
    const problems = [
      expect.stringMatching(/^PORT: .*must be an integer number \(got "NaN"\)$/),
      expect.stringMatching(/^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL .*<redacted>/),
    ];
    // Both unusable; the worker reads no PORT, so only the gateway names it.
    const wrong = { PORT: 'eighty', REDIS_URL: 'redis://a:b:c' };
    const expected = app === 'gateway' ? problems : problems.slice(1);

    it.each([
      ['in .env', true],
      ['in the environment', false],
    ])('%s: says so in one JSON line and exits with 1', async (_, inFile) => {
      const cwd = mkdtempSync(join(tmpdir(), 'wg-env-'));
      const env = production('redis://127.0.0.1:6379');
      if (inFile) {
        const lines = Object.entries({ NODE_ENV: 'production', ...wrong });
        writeFileSync(join(cwd, '.env'), lines.map(([k, v]) => `${k}=${v}\n`).join(''));
        delete env.NODE_ENV;
        delete env.REDIS_URL;
      } else {
        Object.assign(env, wrong);
      }
      const run = start(app, env, cwd);
      expect(await run.exited).toBe(1);
      expect(run.stderr.join('')).toBe('');
      const lines = run.json();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 50,
        app,
        msg: expect.stringMatching(/^Invalid configuration: /),
        problems: expected,
      });
      expect(lines[0].problems).toHaveLength(expected.length);
    });
  });
});

describe('access log at info', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ env: { LOG_LEVEL: 'info' } });
  });
  afterAll(() => stack.close());

  it('leaves out probes, scrapes and static files, and keeps the rest', async () => {
    const basic = `Basic ${Buffer.from(`admin:${stack.adminToken}`).toString('base64')}`;
    const board = await (
      await fetch(`${stack.baseUrl}/admin/queues`, { headers: { authorization: basic } })
    ).text();
    // The page names its scripts relative to itself.
    const script = /src="(?:\/admin\/queues\/)?(static\/[^"]+\.js)"/.exec(board)?.[1];
    expect(script).toBeDefined();
    const asset = `/admin/queues/${script}`;
    const routine = [
      '/health/live',
      '/health/ready',
      '/metrics',
      asset,
      '/api/docs/swagger-ui.css',
    ];
    for (const path of routine) {
      const response = await fetch(`${stack.baseUrl}${path}`, {
        headers: { authorization: basic },
      });
      expect([path, response.status]).toEqual([path, 200]);
    }
    // Logged after the routine requests' lines would be: once it is there, they are too.
    await stack.api('/api/channels?after-routine');
    await stack.gateway.waitForLog(/"url":"\/api\/channels\?after-routine"/);

    const urls = stack.gateway
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { req?: { url?: string } })
      .flatMap((line) => (line.req?.url ? [line.req.url] : []));
    expect(urls).toContain('/admin/queues');
    for (const path of routine) expect(urls).not.toContain(path);
  });
});
