import { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis, RedisOptions } from 'ioredis';
import { CatalogStore, newWebhookToken } from '@app/catalog';
import { ConversationStore, OUTCOME_TTL_MS } from '@app/conversation';
import { AppProcess, freePort, Launcher, LocalRedisServer, settlesWithin } from '@app/launcher';
import { withTimeout } from '@app/redis';
import { waitFor } from './wait-for';
import { WebimClient } from './webim-client';

const DIST = join(__dirname, '../../dist/apps');

// Every wait of a stack's start and stop is bounded well inside Jest's 60 s hook timeout (the
// launcher's limits: 30 s to report ready, 10 s from SIGTERM to SIGKILL), so that a failing
// test (Redis left stopped, a worker that cannot drain) ends red, not hung.
/** How long closing a test client (a queue, Redis) may take before it is just disconnected. */
const CLIENT_CLOSE_LIMIT_MS = 3_000;

export interface StackOptions {
  workers?: number;
  /** Extra environment for the gateway and workers (e.g. REPLY_BUDGET_MS). */
  env?: Record<string, string>;
  /** Keep Redis data on disk so that a Redis restart keeps channels and conversations. */
  persistentRedis?: boolean;
  /**
   * Variables (of the stack's own, like PORT and ADMIN_TOKEN, or of `env`) given to the gateway
   * and workers only through a `.env` in their working directory, left out of their environment.
   */
  dotEnv?: string[];
  /** More arguments of the stack's redis-server (a TLS port, a user). */
  redisArgs?: string[];
  /** A Redis the test started (a Sentinel group's first master): the stack starts none. */
  redis?: LocalRedisServer;
  /** How the test's own client connects (through Sentinels); to the server's URL by default. */
  clientOptions?: RedisOptions;
}

/** A process of the stack, its output going to a log file the test can read. */
export class StackProcess {
  constructor(
    private readonly app: AppProcess,
    readonly logFile: string,
    /** The gateway's port, or the worker's WORKER_HTTP_PORT (health and metrics). */
    readonly port: number,
  ) {}

  get name(): string {
    return this.app.name;
  }

  get child(): ChildProcess {
    return this.app.child;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.app.alive;
  }

  /**
   * Sends `signal` and waits for the exit; a process still running `graceMs` after anything but
   * SIGKILL (a worker that cannot drain without Redis) gets SIGKILL.
   */
  kill(signal: NodeJS.Signals = 'SIGKILL', graceMs?: number): Promise<void> {
    return this.app.stop(signal, graceMs);
  }

  logs(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  /** Waits until the process has logged a line matching `pattern` (pino writes asynchronously). */
  async waitForLog(pattern: RegExp, timeoutMs = 5000): Promise<void> {
    await waitFor(`${this.name} to log ${pattern}`, () => pattern.test(this.logs()), { timeoutMs });
  }
}

/**
 * The real product for end-to-end tests: its own redis-server on a free port, a gateway and
 * workers started from dist/ (build first), talking over real HTTP, Redis and BullMQ.
 */
export class TestStack {
  readonly adminToken = randomBytes(24).toString('base64url');
  readonly logDir = mkdtempSync(join(tmpdir(), 'wg-test-'));
  readonly workers: StackProcess[] = [];
  private readonly launcher = new Launcher();
  gateway!: StackProcess;
  redis!: LocalRedisServer;
  port!: number;
  /** Direct Redis access for arranging and inspecting state. */
  client!: Redis;
  catalog!: CatalogStore;
  conversations!: ConversationStore;
  private started = 0;
  /** The processes' working directory; this test process's own unless `dotEnv` is used. */
  private cwd?: string;
  private readonly queues = new Map<string, Promise<{ queue: Queue; events: QueueEvents }>>();

  private constructor(private readonly options: StackOptions) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const stack = new TestStack(options);
    stack.redis =
      options.redis ??
      (await stack.launcher.startRedis({
        ...(options.persistentRedis && { dataDir: mkdtempSync(join(stack.logDir, 'redis-')) }),
        args: options.redisArgs,
      }));
    stack.port = await freePort();
    if (options.dotEnv) {
      stack.cwd = mkdtempSync(join(stack.logDir, 'cwd-'));
      const lines = options.dotEnv.map((name) => `${name}=${stack.env[name]}\n`);
      writeFileSync(join(stack.cwd, '.env'), lines.join(''));
    }
    stack.client = options.clientOptions
      ? new Redis({ maxRetriesPerRequest: 1, ...options.clientOptions })
      : new Redis(stack.redis.url, { maxRetriesPerRequest: 1 });
    stack.client.on('error', () => undefined);
    stack.catalog = new CatalogStore(stack.client, 'wg');
    stack.conversations = new ConversationStore(stack.client, {
      keyPrefix: 'wg',
      conversationTtlSec: 3600,
      outcomeTtlMs: OUTCOME_TTL_MS,
    });
    try {
      stack.gateway = await stack.spawn('gateway');
      for (let i = 0; i < (options.workers ?? 1); i++) await stack.startWorker();
    } catch (error) {
      await stack.close(); // leave no redis-server or process behind a failed start
      throw error;
    }
    return stack;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
      REDIS_URL: this.redis.url,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: this.adminToken,
      PUBLIC_BASE_URL: this.baseUrl,
      DEMO_AGENT_FILE: join(__dirname, '../../agents/demo.yaml'),
      // Call steps may reach local fake backends (test/support/fake-backend.ts) and no other.
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      EGRESS_ALLOWED_PRIVATE: '127.0.0.1',
      ...this.options.env,
    };
  }

  private async spawn(
    app: 'gateway' | 'worker',
    extraEnv: Record<string, string> = {},
  ): Promise<StackProcess> {
    const name = `${app}-${++this.started}`;
    const logFile = join(this.logDir, `${name}.log`);
    // Several processes on one machine: each worker serves its health and metrics on a port of
    // its own, and each gateway after the first listens on one.
    const port = app === 'worker' || this.gateway ? await freePort() : this.port;
    const env: NodeJS.ProcessEnv = {
      ...this.env,
      ...(app === 'worker' ? { WORKER_HTTP_PORT: String(port) } : { PORT: String(port) }),
      ...extraEnv,
    };
    for (const name of this.options.dotEnv ?? []) delete env[name];
    const script = join(DIST, app, 'main.js');
    const started = await this.launcher.startApp({ name, script, env, cwd: this.cwd, logFile });
    return new StackProcess(started, logFile, port);
  }

  /**
   * Starts another gateway on the same Redis, on a port of its own, as a second replica behind
   * a load balancer would be; stopped with the stack.
   */
  startGateway(): Promise<StackProcess> {
    return this.spawn('gateway');
  }

  /** Starts one more worker; `env` is added to the stack's environment for it alone. */
  async startWorker(env: Record<string, string> = {}): Promise<StackProcess> {
    const worker = await this.spawn('worker', env);
    this.workers.push(worker);
    return worker;
  }

  async stopWorkers(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await Promise.all(this.workers.map((w) => w.kill(signal)));
  }

  /**
   * Waits until the gateway's /health/ready answers 200: its own Redis connections answer and a
   * worker is alive. After a Redis restart each connection comes back on its own retry
   * schedule, so a worker being ready again says nothing about the gateway.
   */
  async gatewayReady(timeoutMs = 20_000): Promise<void> {
    await waitFor(
      'the gateway to be ready',
      async () => (await fetch(`${this.baseUrl}/health/ready`)).status === 200,
      { timeoutMs, everyMs: 100 },
    );
  }

  /** The management API, authenticated. */
  async api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(init.headers ?? {}) },
    });
  }

  /** The demo channel's webhook URL, as an admin reads it from the API. */
  async demoWebhookUrl(): Promise<string> {
    return this.webhookUrlOf('demo');
  }

  /**
   * The management API's JSON answer to a GET; any other status than 200 throws with the body,
   * so that a refused or failed call reads as what it is, not as a malformed answer.
   */
  async apiGet<T>(path: string): Promise<T> {
    const response = await this.api(path);
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 1000)}`);
    }
    return JSON.parse(text) as T;
  }

  /** A channel's webhook URL, as an admin reads it from the API. */
  private async webhookUrlOf(id: string): Promise<string> {
    const channels = await this.apiGet<{ id: string; webhookUrl: string }[]>('/api/channels');
    const channel = channels.find((c) => c.id === id);
    if (!channel) throw new Error(`GET /api/channels does not list the channel "${id}"`);
    return channel.webhookUrl;
  }

  /**
   * Stores a secret through the API, as an admin does, and adds its value to the secrets that
   * close() looks for in the logs. Throws unless the API took it.
   */
  async storeSecret(name: string, value: string): Promise<void> {
    this.secrets.add(value);
    const response = await this.api(`/api/secrets/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
    if (!response.ok) {
      throw new Error(
        `PUT /api/secrets/${name} answered ${response.status}: ${await response.text()}`,
      );
    }
  }

  /**
   * Stores an agent and an active channel for it, and returns the webhook URL once the gateway
   * serves it (GET /api/channels refreshes the gateway's registry before answering).
   */
  async addChannel(id: string, agentSource: string): Promise<string> {
    await this.catalog.putAgent(id, agentSource);
    const now = new Date().toISOString();
    await this.catalog.createChannelIfAbsent({
      id,
      name: id,
      agentId: id,
      status: 'active',
      token: newWebhookToken(),
      configVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    return this.webhookUrlOf(id);
  }

  /** A BullMQ queue of the stack and its events (ready), closed with the stack. */
  bull(name: string): Promise<{ queue: Queue; events: QueueEvents }> {
    let open = this.queues.get(name);
    if (!open) {
      const options = { connection: { url: this.redis.url }, prefix: '{wg}' };
      const queue = new Queue(name, options);
      const events = new QueueEvents(name, options);
      open = events.waitUntilReady().then(() => ({ queue, events }));
      this.queues.set(name, open);
    }
    return open;
  }

  webim(webhookUrl: string): WebimClient {
    return new WebimClient(webhookUrl);
  }

  /** Every log line of every process so far. */
  allLogs(): string {
    return readdirSync(this.logDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(this.logDir, f), 'utf8'))
      .join('\n');
  }

  /** Secrets a test handed to the product (passwords): close() fails if a log line holds one. */
  readonly secrets = new Set<string>();

  /**
   * The secrets that appear in this stack's logs: the admin token, SECRETS_KEY, every channel's
   * webhook token and what tests registered. Checked by close(), so every suite enforces it.
   */
  async leakedSecrets(): Promise<string[]> {
    // Without Redis the channels' tokens are unknown; the other secrets are still checked.
    const channels = await withTimeout(this.catalog.listChannels(), CLIENT_CLOSE_LIMIT_MS).catch(
      () => [],
    );
    const secrets = [
      this.adminToken,
      this.options.env?.SECRETS_KEY,
      ...channels.map((c) => c.token),
      ...this.secrets,
    ].filter((s): s is string => !!s);
    const logs = this.allLogs();
    return secrets.filter((secret) => logs.includes(secret));
  }

  /**
   * Stops everything the stack started, whatever state a failed test left it in. With Redis
   * stopped, nothing can drain (a worker's jobs, a queue's connection), so the processes get
   * SIGKILL at once and the test's clients are disconnected rather than closed.
   */
  async close(): Promise<void> {
    const redisUp = this.redis?.running ?? false;
    const leaked = this.redis ? await this.leakedSecrets() : [];
    const failures: unknown[] = [];
    for (const open of this.queues.values()) {
      const opened = await withTimeout(open, CLIENT_CLOSE_LIMIT_MS).catch(() => undefined);
      if (!opened) continue; // never connected: its clients give up with the Redis below
      const { queue, events } = opened;
      const closed =
        redisUp &&
        (await settlesWithin(Promise.all([events.close(), queue.close()]), CLIENT_CLOSE_LIMIT_MS));
      if (closed) continue;
      const disconnected = Promise.all([events.disconnect(), queue.disconnect()]);
      await settlesWithin(disconnected, CLIENT_CLOSE_LIMIT_MS);
    }
    this.client?.disconnect();
    await this.launcher
      .stop(redisUp ? 'SIGTERM' : 'SIGKILL')
      .catch((error) => failures.push(error));
    if (leaked.length > 0) {
      failures.push(new Error(`${leaked.length} secret(s) found in the logs in ${this.logDir}`));
    }
    if (failures.length > 0) throw failures[0];
  }
}
