'use strict';
// The system under test, started from dist/ like the end-to-end tests do: its own redis-server on
// a free port, then either the product (a gateway and N workers) or the bench-only in-process
// bot (apps/bench-inprocess). Every process logs to a file under the run's directory.
const { fork, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const { closeSync, openSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const Redis = require('ioredis');

const ROOT = join(__dirname, '../..');
const DIST = join(ROOT, 'dist/apps');

/** What each mode runs. */
const MODES = {
  queue: 'the product: gateway → BullMQ → worker(s) → Pub/Sub reply',
  direct: 'the product without BullMQ for visitor turns: the gateway with TURN_DRIVER=in-process',
  inproc: 'bench-only: answered in the gateway process (GET state, run the agent, SET state)',
};

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/**
 * @param {string} logDir
 * @param {string} name
 */
async function startRedis(logDir, name) {
  const port = await freePort();
  const fd = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(
    process.env.REDIS_SERVER_BIN || 'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      if (i > 100 || child.exitCode !== null)
        throw new Error(`redis-server did not start: ${error.message}`);
      client.disconnect();
      await sleep(50);
    }
  }
  return { port, url: `redis://127.0.0.1:${port}`, child, client };
}

/**
 * @param {string} file
 * @param {NodeJS.ProcessEnv} env
 * @param {string} logFile
 * @param {string} name
 */
async function startNode(file, env, logFile, name, execArgv = []) {
  const fd = openSync(logFile, 'a');
  const child = fork(file, [], { env, execArgv, stdio: ['ignore', fd, fd, 'ipc'] });
  closeSync(fd);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in 60 s (${logFile})`)),
      60_000,
    );
    child.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) while starting; see ${logFile}`));
    });
  });
  return child;
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
  const tag = options.tag ?? options.mode;
  const redis = await startRedis(options.logDir, `${tag}-redis`);
  const children = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = once(c, 'exit');
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }),
    );
    redis.client.disconnect();
    const exited = once(redis.child, 'exit');
    redis.child.kill('SIGTERM');
    await exited;
  };
  try {
    const port = await freePort();
    const adminToken = randomBytes(24).toString('base64url');
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      // The bench talks to the demo channel, which production does not seed by default.
      SEED_DEMO: 'true',
      LOG_FORMAT: 'json',
      LOG_LEVEL: options.logLevel ?? 'info',
      REDIS_URL: redis.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
      SECRETS_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DEMO_AGENT_FILE: join(ROOT, 'agents/demo.yaml'),
      ...options.env,
    };
    const processes = [{ name: 'redis', pid: redis.child.pid }];
    const log = (name) => join(options.logDir, `${tag}-${name}.log`);
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
      const child = await startNode(join(DIST, app), appEnv, log(name), label, nodeArgs(name));
      children.push(child);
      processes.push({ name, pid: child.pid, metricsUrl });
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

module.exports = { startStack, startRedis, startNode, freePort, MODES, ROOT };
