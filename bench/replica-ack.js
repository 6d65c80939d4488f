'use strict';
// What REDIS_MIN_REPLICAS_ACK costs: the real stack (npm start's gateway and worker) on a Redis
// master with one replica, both on loopback, measured with the setting off (0) and on (1).
// With it on, a visitor turn's answer is published once the replica has the turn (WAIT), and an
// incoming request is accepted (202) once the replica has its job.
// Usage: npm run build && node bench/replica-ack.js [turns=1000] [concurrency=16]
// Prints, per setting: one chat's round trips (p50, p99), the throughput of `concurrency` chats
// sending at once with their p50 and p99, and the incoming requests' acceptance (p50, p99).
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { launcher } = require('./lib/stack');
const { percentile, startNpmStack } = require('./lib/npm-stack');

const { freePort } = launcher();
const { Redis } = require('ioredis');

const TURNS = Number(process.argv[2] || 1000);
const CONCURRENCY = Number(process.argv[3] || 16);
const ADMIN_TOKEN = 'bench-replica-ack-admin-token';
const AGENT = `
events:
  ping: ping
start: loop
branches:
  loop:
    - wait: {}
    - set: { n: "{{client_message}}" }
    - say: "noted {{n}}"
    - goto: loop
  ping:
    - say: "event {{event_n}}"
    - goto: loop
`;

async function redisServer(port, args = []) {
  // A directory of its own: a replica's full sync writes dump.rdb there.
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-redis-'));
  const child = spawn(
    process.env.REDIS_SERVER_BIN || 'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--save', '', '--appendonly', 'no', ...args],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/Ready to accept connections/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  child.stdout.resume();
  return child;
}

const f = (ms) => `${ms.toFixed(2)} ms`;

async function startStack(redisUrl, minReplicas) {
  const port = await freePort();
  const { stack, url } = await startNpmStack({
    PORT: String(port),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    REDIS_URL: redisUrl,
    ADMIN_TOKEN,
    WORKER_HTTP_PORT: '0',
    EXAMPLE_SHOP_PORT: '0',
    OUTBOX_MAX: '1000',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    REDIS_MIN_REPLICAS_ACK: String(minReplicas),
  });
  stack.stdout.resume();
  return { stack, url, api: `http://127.0.0.1:${port}/api` };
}

async function measure(redisUrl, minReplicas) {
  const { stack, url, api } = await startStack(redisUrl, minReplicas);
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const post = async (body) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!answer.has_answer) throw new Error(`handed off: ${JSON.stringify(answer)}`);
    return performance.now() - started;
  };
  const say = (chat, text) =>
    post({ event: 'new_message', chat: { id: chat }, kind: 'visitor', text });
  try {
    const trained = await fetch(`${api}/agents/demo`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: AGENT,
    });
    if (trained.status !== 200) throw new Error(`training: ${trained.status}`);
    for (let i = 0; i < 200; i++) await say('warmup', `w${i}`);

    const one = [];
    for (let i = 0; i < TURNS; i++) one.push(await say('one', `m${i}`));
    one.sort((a, b) => a - b);

    const many = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, c) => {
        for (let i = 0; i < TURNS / CONCURRENCY; i++) many.push(await say(`many-${c}`, `m${i}`));
      }),
    );
    const perSecond = many.length / ((performance.now() - started) / 1000);
    many.sort((a, b) => a - b);

    const events = [];
    for (let i = 0; i < TURNS / 2; i++) {
      const t = performance.now();
      const response = await fetch(`${api}/channels/demo/chats/one/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `k${i}` },
        body: JSON.stringify({ name: 'ping', data: { n: i } }),
      });
      await response.text();
      if (response.status !== 202) throw new Error(`event: ${response.status}`);
      events.push(performance.now() - t);
    }
    events.sort((a, b) => a - b);
    console.log(
      `REDIS_MIN_REPLICAS_ACK=${minReplicas}  ` +
        `one chat: p50 ${f(percentile(one, 50))} p99 ${f(percentile(one, 99))}  |  ` +
        `${CONCURRENCY} chats: ${perSecond.toFixed(0)}/s p50 ${f(percentile(many, 50))} ` +
        `p99 ${f(percentile(many, 99))}  |  incoming requests: p50 ${f(percentile(events, 50))} ` +
        `p99 ${f(percentile(events, 99))}`,
    );
  } finally {
    stack.kill('SIGTERM');
    await once(stack, 'exit');
  }
}

async function main() {
  const masterPort = await freePort();
  const master = await redisServer(masterPort);
  const replica = await redisServer(await freePort(), [
    '--replicaof',
    '127.0.0.1',
    String(masterPort),
  ]);
  const client = new Redis(masterPort, '127.0.0.1');
  try {
    for (;;) {
      const info = await client.info('replication');
      if (/connected_slaves:1/.test(info) && /state=online/.test(info)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const minReplicas of [0, 1, 0, 1]) {
      await client.flushall();
      await measure(`redis://127.0.0.1:${masterPort}`, minReplicas);
    }
  } finally {
    client.disconnect();
    master.kill('SIGKILL');
    replica.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
