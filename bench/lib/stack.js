'use strict';
// The system under test, started from dist/ like the end-to-end tests do: its own redis-server on
// a free port, then either the product (a gateway and N workers) or the bench-only in-process
// bot (apps/bench-inprocess). Every process logs to a file under the run's directory.
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');
const Redis = require('ioredis');

const ROOT = join(__dirname, '../..');
const DIST = join(ROOT, 'dist/apps');
/**
 * The product's launcher (libs/launcher), compiled by `npm run build:launcher`: this plain JS
 * cannot load its TypeScript. prepare.js builds it when it is missing or stale.
 */
const LAUNCHER = join(ROOT, 'dist/libs/launcher');
/** How long an app may take to report ready: a profiled one (--cpu-prof) starts slower. */
const READY_LIMIT_MS = 60_000;

/** What each mode runs. */
const MODES = {
  queue: 'the product: gateway → BullMQ → worker(s) → Pub/Sub reply',
  direct: 'the product without BullMQ for visitor turns: the gateway with TURN_DRIVER=in-process',
  inproc: 'bench-only: answered in the gateway process (GET state, run the agent, SET state)',
};

/**
 * Loaded on first use rather than at the top, so that prepare.js can build it first.
 * @returns {typeof import('../../libs/launcher/src')}
 */
function launcher() {
  return require(LAUNCHER);
}

/**
 * A redis-server for a run, started by `stack` (a Launcher), and the bench's own client of it.
 * @param {import('../../libs/launcher/src').Launcher} stack
 * @param {string} logFile
 */
async function startRedisWithClient(stack, logFile) {
  const binary = process.env.REDIS_SERVER_BIN || undefined; // set but empty: the default
  const server = await stack.startRedis({ binary, logFile });
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return { server, client };
}

/**
 * @typedef {object} Stack
 * @property {string} mode
 * @property {string} url the demo channel's webhook URL
 * @property {{name: string, pid: number, metricsUrl?: string}[]} processes
 * @property {import('ioredis').Redis} redis
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{mode: keyof MODES, workers?: number, logDir: string, logLevel?: string, env?: object, tag?: string, profileDir?: string}} options
 * @returns {Promise<Stack>}
 */
async function startStack(options) {
  const { Launcher, freePort } = launcher();
  const tag = options.tag ?? options.mode;
  const log = (name) => join(options.logDir, `${tag}-${name}.log`);
  const stack = new Launcher();
  let redis;
  const stop = async () => {
    redis?.client.disconnect();
    await stack.stop();
  };
  try {
    redis = await startRedisWithClient(stack, log('redis'));
    const port = await freePort();
    const adminToken = randomBytes(24).toString('base64url');
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      // The bench talks to the demo channel, which production does not seed by default.
      SEED_DEMO: 'true',
      LOG_FORMAT: 'json',
      LOG_LEVEL: options.logLevel ?? 'info',
      REDIS_URL: redis.server.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
      SECRETS_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DEMO_AGENT_FILE: join(ROOT, 'agents/demo.yaml'),
      ...options.env,
    };
    const processes = [{ name: 'redis', pid: redis.server.pid }];
    // --cpu-prof: each Node process writes a .cpuprofile (open it in Chrome DevTools) on exit.
    const nodeArgs = (name) =>
      options.profileDir
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${options.profileDir}`,
            `--cpu-prof-name=${tag}-${name}.cpuprofile`,
          ]
        : [];
    // One app process of the stack: started, stopped with it, and watched under `name`.
    const start = async (app, name, label, appEnv, metricsUrl) => {
      const started = await stack.startApp(
        {
          name: label,
          script: join(DIST, app),
          env: appEnv,
          execArgv: nodeArgs(name),
          logFile: log(name),
        },
        READY_LIMIT_MS,
      );
      processes.push({ name, pid: started.pid, metricsUrl });
    };
    const gatewayMetrics = `${env.PUBLIC_BASE_URL}/metrics`;
    if (options.mode === 'direct') {
      const direct = { ...env, TURN_DRIVER: 'in-process' };
      await start(
        'gateway/main.js',
        'gateway',
        'gateway (in-process turns)',
        direct,
        gatewayMetrics,
      );
    } else if (options.mode === 'queue') {
      await start('gateway/main.js', 'gateway', 'gateway', env, gatewayMetrics);
      for (let i = 1; i <= (options.workers ?? 1); i++) {
        const httpPort = await freePort();
        await start(
          'worker/main.js',
          `worker${i}`,
          `worker ${i}`,
          { ...env, WORKER_HTTP_PORT: String(httpPort) },
          `http://127.0.0.1:${httpPort}/metrics`,
        );
      }
    } else {
      await start('bench-inprocess/main.js', 'gateway', 'in-process bot', env, gatewayMetrics);
    }
    const response = await fetch(`${env.PUBLIC_BASE_URL}/api/channels`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const channels = await response.json();
    const demo = Array.isArray(channels) ? channels.find((c) => c.id === 'demo') : undefined;
    if (!demo) throw new Error(`no demo channel: ${JSON.stringify(channels).slice(0, 300)}`);
    return { mode: options.mode, url: demo.webhookUrl, processes, redis: redis.client, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

module.exports = { startStack, startRedisWithClient, launcher, MODES, ROOT, LAUNCHER };
