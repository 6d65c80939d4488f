'use strict';
// The reference round trip (--reference, in the folder BENCH_REFERENCE_DIR names; it is kept
// outside this repository): a minimal Fastify gateway → BullMQ job → worker → reply, the floor a
// product built on the same parts can approach.
// It is measured twice: by its own run.sh (wrk), as it measures itself, and by this bench's
// generator against the same code, so that the product and the reference are compared with one
// load generator (wrk costs less CPU than a Node client on a small machine). Without wrk the
// second still gives the ratios, so a missing wrk skips only the first.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { startRedisWithClient, launcher, ROOT } = require('./stack');
const { measure } = require('./measure');
const {
  LATENCY_HEADER,
  latencyRows,
  processNames,
  resourceRows,
  cpuRows,
  warnShared,
} = require('./report');
const S = require('./stats');

const REFERENCE_DIR = process.env.BENCH_REFERENCE_DIR;

const WRK_MISSING = 'wrk is not installed (apt-get install wrk)';

/**
 * One run of run.sh at `concurrency` connections: its RESULT line, or null when wrk is not
 * installed (the shell's 127, "wrk: command not found").
 */
async function runScript(concurrency, seconds) {
  const { freePort } = launcher();
  const env = {
    ...process.env,
    // run.sh installs bullmq, ioredis and fastify into BENCH_REF_DIR unless they are there:
    // this repository's node_modules has all three (the same BullMQ as the product).
    BENCH_REF_DIR: process.env.BENCH_REF_DIR || ROOT,
    REDIS_PORT: String(await freePort()),
    REF_PORT: String(await freePort()),
  };
  const child = spawn(join(REFERENCE_DIR, 'run.sh'), [String(concurrency), String(seconds)], {
    env,
  });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const [code] = await new Promise((resolve) => child.once('exit', (...a) => resolve(a)));
  if (code === 127 && /\bwrk: (command )?not found/.test(text)) return null;
  const line = /^RESULT (.*)$/m.exec(text);
  if (code !== 0 || !line) {
    throw new Error(`reference run.sh ${concurrency} failed (${code}):\n${text.slice(-2000)}`);
  }
  console.log(`  reference (wrk) ${concurrency} connections: ${line[1]}`);
  return JSON.parse(line[1]);
}

/**
 * The reference's redis-server, worker and gateway, started as run.sh starts them. Its
 * processes do not report ready: its gateway is ready when it answers.
 */
async function startReference(logDir) {
  const { Launcher, freePort } = launcher();
  const reference = new Launcher();
  let redis;
  const stop = async () => {
    redis?.client.disconnect();
    await reference.stop();
  };
  try {
    redis = await startRedisWithClient(reference, join(logDir, 'reference-redis.log'));
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      NODE_PATH: join(ROOT, 'node_modules'),
      REDIS_PORT: String(redis.server.port),
      PORT: String(port),
      MODE: 'pubsub',
    };
    const start = (name) =>
      reference.spawnApp({
        name: `reference ${name}`,
        script: join(REFERENCE_DIR, `${name}.js`),
        env,
        execArgv: [],
        logFile: join(logDir, `reference-${name}.log`),
      });
    const worker = start('worker');
    const gateway = start('gateway');
    const url = `http://127.0.0.1:${port}/v1`;
    // Refused connections and error statuses alike: ten seconds, then give up.
    for (let i = 0; ; i++) {
      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"event":"new_message","chat":{"id":"probe"},"kind":"visitor","text":"hello"}',
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i >= 100) throw new Error('the reference gateway did not start');
      await sleep(100);
    }
    return {
      mode: 'reference',
      url,
      redis: redis.client,
      processes: [
        { name: 'redis', pid: redis.server.pid },
        { name: 'gateway', pid: gateway.pid },
        { name: 'worker1', pid: worker.pid },
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Both measurements at each of `options.concurrency`. `wrkSkipped` says why there are no wrk
 * figures when there are none.
 */
async function reference(options, logDir) {
  const out = { dir: REFERENCE_DIR, wrk: {}, generator: {} };
  for (const c of options.concurrency) {
    const result = await runScript(c, options.duration);
    if (!result) {
      out.wrkSkipped = WRK_MISSING;
      console.log(`  reference (wrk): not run, ${WRK_MISSING}; measured with this generator only`);
      break;
    }
    out.wrk[c] = result;
  }
  const ref = await startReference(logDir);
  try {
    for (const c of options.concurrency) {
      out.generator[c] = await measure(ref, {
        concurrency: c,
        workers: 1,
        options,
        label: 'ref',
        script: 'reference',
      });
    }
  } finally {
    await ref.stop();
  }
  return out;
}

function printReference(ref) {
  const runs = Object.values(ref.generator);
  console.log('\nReference driven by this generator (same chats, "hello" → "hi")');
  console.log(S.table(LATENCY_HEADER, latencyRows(runs)));
  const names = processNames(runs);
  console.log(
    S.table(
      ['mode', 'workers', 'chats', ...names, 'machine busy / steal / others'],
      resourceRows(runs, names),
    ),
  );
  warnShared(runs);
  console.log(S.table(['mode', 'workers', 'chats', ...names, 'server'], cpuRows(runs, names)));
  for (const r of runs) {
    console.log(
      `Reference, ${r.concurrency} chats: ${r.redis.scriptsPerRequest.toFixed(1)} scripts and ` +
        `${r.redis.callsPerRequest.toFixed(0)} Redis commands per request (` +
        r.redis.top
          .slice(0, 5)
          .map((c) => `${c.command} ${c.perRequest.toFixed(1)}`)
          .join(', ') +
        ')',
    );
  }
  console.log(
    'Reference driven by wrk (run.sh): ' +
      (ref.wrkSkipped
        ? `not run, ${ref.wrkSkipped}`
        : Object.entries(ref.wrk)
            .map(
              ([c, r]) =>
                `${c} conns ${S.int(r.rps)} req/s, p50 ${S.ms(r.p50_ms)} ms, p99 ${S.ms(r.p99_ms)} ms`,
            )
            .join('; ')),
  );
}

module.exports = { REFERENCE_DIR, reference, printReference };
