'use strict';
// `npm run bench`: the price of the queue hop, measured side by side on one machine.
// Starts the real stack from dist/ (its own redis-server, a gateway, N workers) with the demo
// agent, drives it with virtual Webim chats (bench/lib/load.js), and does the same against the
// bench-only in-process gateway (apps/bench-inprocess). Prints throughput, latency, hand-offs by
// reason, CPU and peak RSS of every process, and the ratios. See docs/performance.md.
//
//   node bench/run.js                       the standard scenario (< 2 minutes)
//   node bench/run.js --workers 1,2,4 --modes queue --concurrency 64   scaling with workers
//   node bench/run.js --soak 600 --rate 500  10 minutes at a fixed rate: does anything grow?
//   node bench/run.js --reference            also the reference round trip (../shared/bench-reference)
//   node bench/run.js --help
const { fork, spawn, spawnSync } = require('node:child_process');
const {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { cpus } = require('node:os');
const { join, relative } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { startStack, startRedis, freePort, MODES, ROOT } = require('./lib/stack');
const { watch, memory } = require('./lib/proc');
const { snapshot, diff, redisCommands, redisMemory } = require('./lib/observe');
const { printProfile } = require('./lib/profile-summary');
const S = require('./lib/stats');

const HELP = `Usage: node bench/run.js [options]     (npm run bench -- [options])
  --modes queue,direct,inproc  what to run (default all three):
       queue   ${MODES.queue}
       direct  ${MODES.direct}
       inproc  ${MODES.inproc}
  --concurrency 2,64     concurrent chats, one request at a time each (default 2,64)
  --workers 1            worker processes of the queue mode; a list (1,2,4) runs each
  --duration 10          measured seconds per run        --warmup 3   seconds before it
  --turns 8              requests per chat, new_chat included
  --handoffs 0           share of chats that end by pressing "human" (counted apart)
  --idle-chats 10000     memory per idle chat (queue mode, first worker count); 0 skips
  --idle-wait 0          seconds to wait, then measure the idle chats again (timers fire at 30 s)
  --soak <seconds>       soak instead: fixed rate on the queue mode, per-interval report
  --rate 500             soak: requests per second      --soak-interval 60  seconds per row
  --soak-concurrency 64  soak: concurrent chats
  --chat-pool <n>        soak: each chat reuses n chat ids (no new Redis keys), to tell growth
                         with the data set from growth with time
  --reference            also run ../shared/bench-reference (wrk, and this generator) for ratios
  --no-timers            the demo agent without its reminder timer (what the timers cost)
  --profile              node --cpu-prof for the stack's Node processes; prints where CPU went
                         (the .cpuprofile files open in Chrome DevTools; they include start-up)
  --log-level info       LOG_LEVEL of the stack (production default: info)
  --env KEY=VALUE        more environment for the stack's processes (repeatable), e.g.
                         --env WORKER_CONCURRENCY=100
  --out <dir>            results and logs (default bench/results/<timestamp>)`;

function parseArgs(argv) {
  const options = {
    modes: ['queue', 'direct', 'inproc'],
    concurrency: [2, 64],
    workers: [1],
    duration: 10,
    warmup: 3,
    turns: 8,
    handoffs: 0,
    idleChats: 10000,
    idleWait: 0,
    soak: 0,
    rate: 500,
    soakInterval: 60,
    soakConcurrency: 64,
    chatPool: 0,
    reference: false,
    timers: true,
    profile: false,
    logLevel: 'info',
    env: {},
    out: '',
  };
  const list = (v) => v.split(',').filter(Boolean);
  const numbers = (v) => list(v).map(Number);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        console.log(HELP);
        process.exit(0);
        break;
      case '--modes':
        options.modes = list(value());
        break;
      case '--concurrency':
        options.concurrency = numbers(value());
        break;
      case '--workers':
        options.workers = numbers(value());
        break;
      case '--duration':
        options.duration = Number(value());
        break;
      case '--warmup':
        options.warmup = Number(value());
        break;
      case '--turns':
        options.turns = Number(value());
        break;
      case '--handoffs':
        options.handoffs = Number(value());
        break;
      case '--idle-chats':
        options.idleChats = Number(value());
        break;
      case '--idle-wait':
        options.idleWait = Number(value());
        break;
      case '--soak':
        options.soak = Number(value());
        break;
      case '--rate':
        options.rate = Number(value());
        break;
      case '--soak-interval':
        options.soakInterval = Number(value());
        break;
      case '--soak-concurrency':
        options.soakConcurrency = Number(value());
        break;
      case '--chat-pool':
        options.chatPool = Number(value());
        break;
      case '--reference':
        options.reference = true;
        break;
      case '--no-timers':
        options.timers = false;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--env': {
        const [key, ...rest] = value().split('=');
        if (!key || rest.length === 0) throw new Error('--env needs KEY=VALUE');
        options.env[key] = rest.join('=');
        break;
      }
      case '--log-level':
        options.logLevel = value();
        break;
      case '--out':
        options.out = value();
        break;
      default:
        throw new Error(`unknown option ${arg}\n${HELP}`);
    }
  }
  for (const mode of options.modes) {
    if (!MODES[mode]) throw new Error(`unknown mode ${mode} (queue, direct, inproc)`);
  }
  return options;
}

function machine() {
  const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  const memTotal = /^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  let redisVersion = '?';
  try {
    const out = require('node:child_process').execFileSync(
      process.env.REDIS_SERVER_BIN || 'redis-server',
      ['--version'],
      { encoding: 'utf8' },
    );
    redisVersion = /v=(\S+)/.exec(out)?.[1] ?? out.trim();
  } catch {
    // reported as "?"
  }
  let commit = '?';
  let dirty = false;
  try {
    const git = (...args) =>
      require('node:child_process')
        .execFileSync('git', args, {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        })
        .trim();
    commit = git('rev-parse', '--short', 'HEAD');
    dirty = git('status', '--porcelain', '--', 'apps', 'libs') !== '';
  } catch {
    // not a git checkout
  }
  return {
    cpus: cpus().length,
    cpuModel: cpuModel ?? cpus()[0]?.model ?? '?',
    memoryGiB: memTotal ? Number(memTotal) / 1048576 : NaN,
    node: process.version,
    redis: redisVersion,
    bullmq: require('bullmq/package.json').version,
    commit: dirty ? `${commit} (+ uncommitted changes in apps/ or libs/)` : commit,
    date: new Date().toISOString(),
  };
}

/** Share of all cores busy over one second, from /proc/stat. */
async function machineBusy() {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = fields[3] + fields[4]; // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(1000);
  const b = read();
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds (nest build) each app the modes need whose bundle is missing or older than its sources. */
function ensureBuilt(modes) {
  const sources = {
    gateway: ['apps/gateway', 'libs'],
    worker: ['apps/worker', 'libs'],
    'bench-inprocess': ['apps/bench-inprocess', 'apps/gateway', 'apps/worker', 'libs'],
  };
  const needed = [];
  if (modes.includes('queue')) needed.push('gateway', 'worker');
  if (modes.includes('direct') || modes.includes('inproc')) needed.push('bench-inprocess');
  for (const app of needed) {
    const bundle = join(ROOT, 'dist/apps', app, 'main.js');
    const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
    const changed = Math.max(...sources[app].map((d) => newest(join(ROOT, d))));
    if (built >= changed) continue;
    console.log(`  building ${app} (nest build ${app}) …`);
    const build = spawnSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`nest build ${app} failed`);
  }
}

/** The demo agent without its reminder timer (--no-timers): what the timers cost. */
function agentWithoutTimers(outDir) {
  const source = readFileSync(join(ROOT, 'agents/demo.yaml'), 'utf8');
  const file = join(outDir, 'demo-without-timers.yaml');
  writeFileSync(file, source.replace(/^\s*- start_timer: reminder\n/gm, ''));
  return file;
}

/**
 * Runs the load generator as a child process.
 * @param {import('./lib/load').LoadConfig} config
 * @returns {{pid: number, result: Promise<object>}}
 */
function generator(config) {
  const child = fork(join(__dirname, 'lib/load.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m.type === 'result') resolve(m.result);
      if (m.type === 'error') reject(new Error(m.error));
    });
    child.once('exit', (code) => code && reject(new Error(`load generator exited (${code})`)));
  });
  child.send({ type: 'run', config });
  // The generator waits for this (after its result) before it exits, so that its CPU and memory
  // can still be read when the measured period ends: see load.js. Closed at the latest 3 s on.
  const close = () => child.connected && child.disconnect();
  result.then(() => setTimeout(close, 3000).unref(), close);
  return { pid: child.pid, result, close };
}

/** Over this (% of one core), other processes shared the machine: the run's figures are low. */
const OTHERS_LIMIT = 15;

/**
 * The machine's CPU with what processes outside the bench used (% of one core): its busy share
 * of all cores minus the measured processes.
 */
function withOthers(machine, resources) {
  const ours = resources.reduce(
    (sum, r) => sum + (Number.isFinite(r.cpuPercent) ? r.cpuPercent : 0),
    0,
  );
  const othersPercent = Math.max(0, (machine.busyPercent / 100) * cpus().length * 100 - ours);
  return { ...machine, othersPercent, shared: othersPercent > OTHERS_LIMIT };
}

let runCounter = 0;
const runId = (label) => `${label}${++runCounter}-${Date.now().toString(36)}`;

/**
 * One measured run: warm-up, then `duration` seconds during which the processes, the metrics
 * and Redis are watched.
 */
async function measure(stack, { concurrency, workers, options, label }) {
  const load = generator({
    url: stack.url,
    concurrency,
    warmupMs: options.warmup * 1000,
    durationMs: options.duration * 1000,
    turns: options.turns,
    handoffShare: options.handoffs,
    runId: runId(label),
  });
  await sleep(options.warmup * 1000);
  const processes = [...stack.processes, { name: 'generator', pid: load.pid }];
  const before = await snapshot(processes);
  await stack.redis.config('RESETSTAT');
  const watcher = watch(processes);
  await sleep(options.duration * 1000);
  const resources = watcher.stop();
  const machineCpu = withOthers(watcher.machine, resources);
  const [after, commands] = await Promise.all([
    snapshot(processes),
    load.result.then((r) => redisCommands(stack.redis, r.requests)),
  ]);
  const result = await load.result;
  load.close();
  const metrics = diff(before, after);
  const latency = S.summarize(result.samples);
  const serverCpu = resources
    .filter((r) => r.name !== 'generator')
    .reduce((s, r) => s + r.cpuPercent, 0);
  return {
    mode: stack.mode,
    workers,
    concurrency,
    seconds: result.seconds,
    requests: result.requests,
    rps: result.rps,
    latency,
    counts: result.counts,
    chats: result.chats,
    problems: result.problems,
    reconnects: result.reconnects,
    handoffReasons: metrics.handoffs,
    metrics,
    redis: commands,
    resources,
    machineCpu,
    /** CPU time of the server processes (not the generator) per request, in ms. */
    cpuMsPerRequest: ((serverCpu / 100) * 1000) / result.rps,
  };
}

/** Memory per idle chat: N chats that each got new_chat and nothing since. */
async function idleChats(stack, options) {
  const n = options.idleChats;
  await sleep(1000); // let the last run's jobs and outcomes settle
  const before = await redisMemory(stack.redis);
  const rssBefore = Object.fromEntries(stack.processes.map((p) => [p.name, memory(p.pid).rss]));
  const id = runId('idle');
  const load = generator({
    url: stack.url,
    concurrency: 64,
    warmupMs: 0,
    durationMs: 0,
    maxRequests: n,
    turns: 1,
    runId: id,
  });
  const result = await load.result;
  load.close();
  await sleep(500);
  const after = await redisMemory(stack.redis);
  const rssAfter = Object.fromEntries(stack.processes.map((p) => [p.name, memory(p.pid).rss]));
  const perChat = (after - before) / n;
  // What one of them holds, key by key (the chat id replaced by <chat>).
  const keys = [];
  const chat = `${id}-0-0`;
  let cursor = '0';
  do {
    const [next, found] = await stack.redis.scan(cursor, 'MATCH', `*${chat}*`, 'COUNT', 5000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const breakdown = [];
  for (const key of keys.sort()) {
    breakdown.push({
      key: key
        .replace(chat, '<chat>')
        .replace(/\.\d+-\d+$/, '.<turn>')
        .replace(/:\d+-\d+$/, ':<turn>'),
      bytes: Number(await stack.redis.memory('USAGE', key, 'SAMPLES', '0')),
      ttl: await stack.redis.pttl(key),
    });
  }
  const delayed = await stack.redis.zcard('{wg}:webim-proactive:delayed');
  const retainedTurnJobs = await stack.redis.zcard('{wg}:webim-turns:completed');
  const idle = {
    chats: n,
    answered: result.counts.answered,
    handedOff: result.counts.handoff,
    errors: result.counts.error + result.counts.unexpected,
    usedMemoryDelta: after - before,
    bytesPerChat: perChat,
    rssDelta: Object.fromEntries(Object.keys(rssAfter).map((k) => [k, rssAfter[k] - rssBefore[k]])),
    breakdown,
    pendingTimers: delayed,
    retainedTurnJobs,
  };
  if (options.idleWait > 0) {
    await sleep(options.idleWait * 1000);
    const later = await redisMemory(stack.redis);
    idle.afterWait = {
      seconds: options.idleWait,
      bytesPerChat: (later - before) / n,
      pendingTimers: await stack.redis.zcard('{wg}:webim-proactive:delayed'),
    };
  }
  return idle;
}

/** Soak: the queue mode at a fixed rate; one row per interval; growth verdicts. */
async function soak(options, logDir) {
  const workers = options.workers[0];
  const stack = await startStack({
    mode: 'queue',
    workers,
    logDir,
    logLevel: options.logLevel,
    env: options.stackEnv,
    profileDir: options.profileDir,
    tag: 'soak',
  });
  try {
    const interval = options.soakInterval;
    const warmup = options.warmup;
    const load = generator({
      url: stack.url,
      concurrency: options.soakConcurrency,
      warmupMs: warmup * 1000,
      durationMs: options.soak * 1000,
      turns: options.turns,
      rate: options.rate,
      chatPool: options.chatPool || undefined,
      bucketMs: interval * 1000,
      runId: runId('soak'),
    });
    const processes = [...stack.processes, { name: 'generator', pid: load.pid }];
    await sleep(warmup * 1000);
    const rows = [];
    const memoryStart = await redisMemory(stack.redis);
    const total = Math.ceil(options.soak / interval);
    let before = await snapshot(processes);
    for (let i = 0; i < total; i++) {
      const watcher = watch(processes, 1000);
      const seconds = Math.min(interval, options.soak - i * interval);
      // The V8 heap of each Node process, read from its metrics every 5 s: the lowest reading of
      // an interval is close to what survives garbage collection, the figure a leak raises.
      const heapFloor = {};
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        await sleep(Math.min(5000, end - Date.now()));
        for (const [name, samples] of await snapshot(stack.processes)) {
          const heap = samples.get('nodejs_heap_size_used_bytes');
          if (heap !== undefined) heapFloor[name] = Math.min(heapFloor[name] ?? Infinity, heap);
        }
      }
      const resources = watcher.stop();
      const machineCpu = withOthers(watcher.machine, resources);
      const after = await snapshot(processes);
      const metrics = diff(before, after);
      before = after;
      const row = {
        index: i,
        endsAtSeconds: i * interval + seconds,
        resources,
        machineCpu,
        handoffs: metrics.handoffs,
        dispatcherMs: metrics.dispatcherMs,
        queueWaitMs: metrics.queueWaitMs,
        turnRunMs: metrics.turnRunMs,
        heapFloor,
        redisUsedMemory: await redisMemory(stack.redis),
      };
      rows.push(row);
      const rss = resources.map((r) => `${r.name} ${S.mb(r.rss)} MB`).join(', ');
      const heaps = Object.entries(heapFloor)
        .map(([name, bytes]) => `${name} ${S.mb(bytes)} MB`)
        .join(', ');
      console.log(
        `  soak ${row.endsAtSeconds}s: RSS ${rss}; heap floor ${heaps}; redis used_memory ${S.mb(row.redisUsedMemory)} MB`,
      );
    }
    const result = await load.result;
    load.close();
    for (const bucket of result.buckets) {
      const row = rows[bucket.index];
      if (!row) continue;
      row.latency = S.summarize(bucket.samples);
      row.rps = bucket.samples.length / (row.endsAtSeconds - row.index * interval);
    }
    // The first interval is the warm one (JIT, pools, heaps): growth is judged after it.
    const judged = rows.filter((r) => r.latency && r.index > 0);
    const xs = judged.map((r) => r.endsAtSeconds);
    const verdicts = {};
    if (judged.length >= 2) {
      verdicts.p50 = S.growth(
        xs,
        judged.map((r) => r.latency.p50),
        { relative: 0.25, absolute: 0.3 },
      );
      verdicts.p99 = S.growth(
        xs,
        judged.map((r) => r.latency.p99),
        { relative: 0.5, absolute: 2 },
      );
      // Node processes: the heap that survives GC (a leak), and the mean RSS of each interval (a
      // single reading is mostly GC timing; V8 also resizes its heap by ±15% as it sees fit).
      // Redis is left out: it keeps every chat's conversation and transcript by design (TTLs).
      for (const p of stack.processes.filter((x) => x.name !== 'redis')) {
        const heaps = judged.map((r) => r.heapFloor?.[p.name] ?? NaN);
        if (heaps.every(Number.isFinite)) {
          verdicts[`${p.name} heap`] = S.growth(xs, heaps, {
            relative: 0.1,
            absolute: 8 * 1048576,
          });
        }
        const ys = judged.map((r) => r.resources.find((x) => x.name === p.name)?.meanRss ?? NaN);
        verdicts[`${p.name} RSS`] = S.growth(xs, ys, { relative: 0.2, absolute: 32 * 1048576 });
      }
    }
    // Redis in steady state: after the turns' outcomes (90 s TTL) and the retained jobs (count)
    // have levelled off, what remains per chat is what CONVERSATION_TTL_SEC and
    // TRANSCRIPT_RETENTION_SEC keep.
    const steady = rows.filter((r) => r.endsAtSeconds > 120);
    const redisRows = steady.length >= 2 ? steady : rows;
    const redisFit = S.linearFit(
      redisRows.map((r) => r.endsAtSeconds),
      redisRows.map((r) => r.redisUsedMemory),
    );
    const chatsPerSecond = result.rps / options.turns;
    const memoryEnd = await redisMemory(stack.redis);
    return {
      workers,
      rate: options.rate,
      chatPool: options.chatPool,
      concurrency: options.soakConcurrency,
      seconds: options.soak,
      interval,
      overall: { latency: S.summarize(result.samples), rps: result.rps, counts: result.counts },
      lateSends: result.lateSends,
      chats: result.chats,
      redisGrowth: {
        bytes: memoryEnd - memoryStart,
        perChat: (memoryEnd - memoryStart) / Math.max(1, result.chats),
        steadyBytesPerSecond: redisFit.slope,
        steadyPerChat: redisFit.slope / chatsPerSecond,
        steadyFrom: redisRows[0]?.endsAtSeconds - interval,
      },
      rows,
      verdicts,
    };
  } finally {
    await stack.stop();
  }
}

/** The reference round trip: its own run.sh (wrk), and this generator against the same code. */
const REFERENCE_DIR = process.env.BENCH_REFERENCE_DIR || join(ROOT, '../shared/bench-reference');

async function reference(options, logDir) {
  const dir = REFERENCE_DIR;
  const out = { dir, wrk: {}, generator: {} };
  for (const c of options.concurrency) {
    const env = {
      ...process.env,
      // run.sh installs bullmq, ioredis and fastify into BENCH_REF_DIR unless they are there:
      // this repository's node_modules has all three (the same BullMQ as the product).
      BENCH_REF_DIR: process.env.BENCH_REF_DIR || ROOT,
      REDIS_PORT: String(await freePort()),
      REF_PORT: String(await freePort()),
    };
    const child = spawn(join(dir, 'run.sh'), [String(c), String(options.duration)], { env });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const [code] = await new Promise((resolve) => child.once('exit', (...a) => resolve(a)));
    const line = /^RESULT (.*)$/m.exec(text);
    if (code !== 0 || !line)
      throw new Error(`reference run.sh ${c} failed (${code}):\n${text.slice(-2000)}`);
    out.wrk[c] = JSON.parse(line[1]);
    console.log(`  reference (wrk) ${c} connections: ${line[1]}`);
  }
  // The same reference code driven by this generator, so that the product and the reference are
  // compared with one load generator (wrk costs less CPU than a Node client on a small machine).
  const redis = await startRedis(logDir, 'reference-redis');
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    NODE_PATH: join(ROOT, 'node_modules'),
    REDIS_PORT: String(redis.port),
    PORT: String(port),
    MODE: 'pubsub',
  };
  const children = [
    spawn(process.execPath, [join(dir, 'worker.js')], { env, stdio: 'ignore' }),
    spawn(process.execPath, [join(dir, 'gateway.js')], { env, stdio: 'ignore' }),
  ];
  try {
    const url = `http://127.0.0.1:${port}/v1`;
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"event":"new_message","chat":{"id":"probe"},"kind":"visitor","text":"hello"}',
        });
        if (r.ok) break;
      } catch {
        if (i > 100) throw new Error('the reference gateway did not start');
      }
      await sleep(100);
    }
    const stack = {
      mode: 'reference',
      url,
      redis: redis.client,
      processes: [
        { name: 'redis', pid: redis.child.pid },
        { name: 'gateway', pid: children[1].pid },
        { name: 'worker1', pid: children[0].pid },
      ],
    };
    for (const c of options.concurrency) {
      const load = generator({
        url,
        concurrency: c,
        warmupMs: options.warmup * 1000,
        durationMs: options.duration * 1000,
        turns: options.turns,
        script: 'reference',
        runId: runId('ref'),
      });
      await sleep(options.warmup * 1000);
      await redis.client.config('RESETSTAT');
      const watcher = watch([...stack.processes, { name: 'generator', pid: load.pid }]);
      await sleep(options.duration * 1000);
      const resources = watcher.stop();
      const machineCpu = withOthers(watcher.machine, resources);
      const result = await load.result;
      load.close();
      const commands = await redisCommands(redis.client, result.requests);
      const serverCpu = resources
        .filter((r) => r.name !== 'generator')
        .reduce((s, r) => s + r.cpuPercent, 0);
      out.generator[c] = {
        mode: 'reference',
        workers: 1,
        concurrency: c,
        rps: result.rps,
        requests: result.requests,
        latency: S.summarize(result.samples),
        counts: result.counts,
        handoffReasons: {},
        redis: commands,
        resources,
        machineCpu,
        cpuMsPerRequest: ((serverCpu / 100) * 1000) / result.rps,
      };
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))),
    );
    redis.client.disconnect();
    redis.child.kill('SIGTERM');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing

const NAMES = { queue: 'queue', direct: 'direct', inproc: 'in-process', reference: 'reference' };

/**
 * Hand-offs by reason (the gateway's counter); those the script asked for (`--handoffs`, the
 * visitor pressed "human") are in `bot_handoff` and said apart.
 */
function handoffText(run) {
  const entries = Object.entries(run.handoffReasons ?? {});
  const asked = run.counts.expectedHandoff ? `; ${run.counts.expectedHandoff} asked for` : '';
  return (entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : '0') + asked;
}

/** Hand-offs the script did not ask for: seen by the client, whatever their reason. */
function unaskedHandoffs(run) {
  return run.counts.handoff;
}

function latencyRows(runs) {
  return runs.map((r) => [
    NAMES[r.mode] ?? r.mode,
    r.workers ?? '-',
    r.concurrency,
    S.int(r.rps),
    S.ms(r.latency.p50),
    S.ms(r.latency.p90),
    S.ms(r.latency.p99),
    S.ms(r.latency.max),
    handoffText(r),
    r.counts.error + r.counts.unexpected,
  ]);
}
const LATENCY_HEADER = [
  'mode',
  'workers',
  'chats',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'max ms',
  'hand-offs',
  'errors',
];

function processNames(runs) {
  const names = new Set();
  for (const r of runs) for (const p of r.resources) names.add(p.name);
  const order = [
    'gateway',
    ...[...names].filter((n) => n.startsWith('worker')).sort(),
    'redis',
    'generator',
  ];
  return order.filter((n) => names.has(n));
}

function resourceRows(runs, names) {
  return runs.map((r) => {
    const by = Object.fromEntries(r.resources.map((p) => [p.name, p]));
    return [
      NAMES[r.mode] ?? r.mode,
      r.workers ?? '-',
      r.concurrency,
      ...names.map((n) => (by[n] ? `${S.pct(by[n].cpuPercent)} / ${S.mb(by[n].peakRss)}` : '-')),
      r.machineCpu
        ? `${S.pct(r.machineCpu.busyPercent)} / ${S.pct(r.machineCpu.stealPercent)} / ` +
          `${S.pct(r.machineCpu.othersPercent)}${r.machineCpu.shared ? ' !' : ''}`
        : '-',
    ];
  });
}

/** CPU time per request of each process, in ms: where the work of a request is done. */
function cpuRows(runs, names) {
  return runs.map((r) => {
    const by = Object.fromEntries(r.resources.map((p) => [p.name, p]));
    const perRequest = (n) => (by[n] ? (by[n].cpuPercent / 100) * (1000 / r.rps) : NaN);
    return [
      NAMES[r.mode] ?? r.mode,
      r.workers ?? '-',
      r.concurrency,
      ...names.map((n) => (by[n] ? perRequest(n).toFixed(3) : '-')),
      r.cpuMsPerRequest.toFixed(3),
    ];
  });
}

function inside(runs) {
  return runs
    .filter((r) => r.metrics)
    .map((r) => [
      NAMES[r.mode],
      r.workers ?? '-',
      r.concurrency,
      S.ms(r.latency.mean),
      S.ms(r.metrics.dispatcherMs),
      S.ms(r.metrics.queueWaitMs),
      S.ms(r.metrics.turnRunMs),
      r.redis.scriptsPerRequest.toFixed(1),
      r.redis.callsPerRequest.toFixed(0),
      r.redis.top
        .slice(0, 5)
        .map((c) => `${c.command} ${c.perRequest.toFixed(1)}`)
        .join(', '),
    ]);
}
const INSIDE_HEADER = [
  'mode',
  'workers',
  'chats',
  'client mean ms',
  'dispatcher ms',
  'queue wait ms',
  'turn run ms',
  'scripts/req',
  'redis cmds/req',
  'most frequent redis commands per request',
];

function ratioRows(runs) {
  const rows = [];
  const concurrencies = [...new Set(runs.map((r) => r.concurrency))];
  for (const c of concurrencies) {
    const q = runs.find((r) => r.mode === 'queue' && r.concurrency === c);
    for (const base of ['direct', 'inproc']) {
      const b = runs.find((r) => r.mode === base && r.concurrency === c);
      if (!q || !b) continue;
      rows.push([
        `queue / ${NAMES[base]}`,
        c,
        S.ratio(q.rps / b.rps),
        S.ratio(q.latency.p50 / b.latency.p50),
        S.ratio(q.latency.p99 / b.latency.p99),
        S.ratio(q.cpuMsPerRequest / b.cpuMsPerRequest),
      ]);
    }
  }
  return rows;
}
const RATIO_HEADER = ['compared', 'chats', 'throughput', 'p50', 'p99', 'server CPU per request'];

/** The issue's targets, against the reference measured here (or the issue's own figures). */
function targetRows(runs, ref, soakResult, idle) {
  const q64 = runs.find((r) => r.mode === 'queue' && r.concurrency === 64 && r.workers === 1);
  const q2 = runs.find((r) => r.mode === 'queue' && r.concurrency === 2 && r.workers === 1);
  const rows = [];
  const verdict = (ok) => (ok === undefined ? '-' : ok ? 'met' : 'NOT met');
  const refs = ref
    ? [
        ['reference, this generator', ref.generator[64]?.rps, ref.generator[64]?.latency.p99],
        ['reference, wrk', ref.wrk[64]?.rps, ref.wrk[64]?.p99_ms],
      ]
    : [["the issue's figure (another machine)", 4100, NaN]];
  for (const [label, rps, p99] of refs) {
    if (q64 && rps) {
      const handoffs = unaskedHandoffs(q64);
      const ratio = q64.rps / rps;
      rows.push([
        `throughput at 64 ≥ 0.85× ${label}`,
        `${S.int(q64.rps)} vs ${S.int(rps)} = ${S.ratio(ratio)}, ${handoffs} hand-offs`,
        verdict(ratio >= 0.85 && handoffs === 0),
      ]);
    }
    if (q64 && Number.isFinite(p99)) {
      const ratio = q64.latency.p99 / p99;
      rows.push([
        `p99 at 64 ≤ 1.25× ${label}`,
        `${S.ms(q64.latency.p99)} vs ${S.ms(p99)} ms = ${S.ratio(ratio)}`,
        verdict(ratio <= 1.25),
      ]);
    }
  }
  if (q2)
    rows.push([
      'p50 at 2 chats ≤ 1.5 ms',
      `${S.ms(q2.latency.p50)} ms`,
      verdict(q2.latency.p50 <= 1.5),
    ]);
  if (soakResult) {
    const grows = Object.entries(soakResult.verdicts)
      .filter(([, v]) => v.grows)
      .map(([k]) => k);
    rows.push([
      'no growth over the soak',
      grows.length
        ? `grows: ${grows.join(', ')}`
        : `${soakResult.seconds} s at ${soakResult.rate}/s: stable`,
      verdict(grows.length === 0),
    ]);
  } else {
    rows.push(['no growth over the soak', 'run with --soak 600', '-']);
  }
  if (idle)
    rows.push(['memory per idle chat (Redis)', `${S.int(idle.bytesPerChat)} bytes`, 'reported']);
  return rows;
}

function warnShared(runs) {
  const shared = runs.filter((r) => r.machineCpu?.shared);
  if (shared.length) {
    console.log(
      `  ! ${shared.length} run(s) shared the machine with other processes (over ${OTHERS_LIMIT}% of a ` +
        'core besides the bench): their figures are low; run again on a quiet machine',
    );
  }
}

function printRuns(runs) {
  console.log(
    `\nThroughput and latency (latency at the client; hand-offs by reason from the gateway's metrics)`,
  );
  console.log(S.table(LATENCY_HEADER, latencyRows(runs)));
  const names = processNames(runs);
  console.log(
    `\nCPU (100% = one core) / peak RSS (MB) of each process during the measured period; the ` +
      "machine's busy and stolen (hypervisor) share of all cores, and other processes' CPU",
  );
  console.log(
    S.table(
      ['mode', 'workers', 'chats', ...names, 'machine busy / steal / others'],
      resourceRows(runs, names),
    ),
  );
  warnShared(runs);
  console.log(`\nCPU ms per request, by process ("server" is all but the generator)`);
  console.log(S.table(['mode', 'workers', 'chats', ...names, 'server'], cpuRows(runs, names)));
  const rows = inside(runs);
  if (rows.length) {
    console.log(
      `\nWhere a request's time goes (means over the measured period; Redis commands include those run inside Lua scripts)`,
    );
    console.log(S.table(INSIDE_HEADER, rows));
  }
}

function printIdle(idle) {
  console.log(`\nMemory per idle chat: ${idle.chats} chats, each a new_chat only`);
  console.log(
    `  Redis used_memory +${S.mb(idle.usedMemoryDelta)} MB = ${S.int(idle.bytesPerChat)} bytes per chat ` +
      `(${idle.pendingTimers} reminder timers pending, ${idle.retainedTurnJobs} finished turn jobs retained)`,
  );
  console.log(
    `  RSS change: ${Object.entries(idle.rssDelta)
      .map(([k, v]) => `${k} ${S.mb(v)} MB`)
      .join(', ')}`,
  );
  console.log('  One chat, key by key (bytes, MEMORY USAGE):');
  for (const b of idle.breakdown)
    console.log(
      `    ${String(b.bytes).padStart(6)}  ${b.key}${b.ttl > 0 ? `  (ttl ${Math.round(b.ttl / 1000)} s)` : ''}`,
    );
  if (idle.afterWait) {
    console.log(
      `  After ${idle.afterWait.seconds} s more (reminders fired: ${idle.pendingTimers - idle.afterWait.pendingTimers}): ${S.int(idle.afterWait.bytesPerChat)} bytes per chat`,
    );
  }
}

function printSoak(s) {
  console.log(
    `\nSoak: queue mode, ${s.workers} worker(s), ${s.concurrency} chats paced to ${s.rate} req/s for ${s.seconds} s` +
      (s.chatPool ? `, each reusing ${s.chatPool} chat ids` : ', every chat a new id'),
  );
  const names = [
    'gateway',
    ...s.rows[0].resources.map((r) => r.name).filter((n) => n.startsWith('worker')),
    'redis',
    'generator',
  ];
  const heapNames = Object.keys(s.rows[0].heapFloor ?? {});
  console.log(
    S.table(
      [
        'until s',
        'req/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'hand-offs',
        'dispatcher / queue wait / turn run ms',
        ...names.map((n) => `${n} CPU/mean RSS MB`),
        ...heapNames.map((n) => `${n} heap MB`),
        'redis used MB',
        'steal / others',
      ],
      s.rows.map((r) => {
        const by = Object.fromEntries(r.resources.map((p) => [p.name, p]));
        return [
          r.endsAtSeconds,
          S.int(r.rps),
          S.ms(r.latency?.p50),
          S.ms(r.latency?.p90),
          S.ms(r.latency?.p99),
          S.ms(r.latency?.max),
          Object.values(r.handoffs).reduce((a, b) => a + b, 0),
          `${S.ms(r.dispatcherMs)} / ${S.ms(r.queueWaitMs)} / ${S.ms(r.turnRunMs)}`,
          ...names.map((n) =>
            by[n] ? `${S.pct(by[n].cpuPercent)} / ${S.mb(by[n].meanRss)}` : '-',
          ),
          ...heapNames.map((n) => S.mb(r.heapFloor?.[n])),
          S.mb(r.redisUsedMemory),
          `${S.pct(r.machineCpu?.stealPercent)} / ${S.pct(r.machineCpu?.othersPercent)}`,
        ];
      }),
    ),
  );
  console.log(
    `  overall: ${S.int(s.overall.rps)} req/s, p50 ${S.ms(s.overall.latency.p50)} ms, p99 ${S.ms(s.overall.latency.p99)} ms, ` +
      `max ${S.ms(s.overall.latency.max)} ms; errors ${s.overall.counts.error + s.overall.counts.unexpected}; ` +
      `sends behind schedule ${s.lateSends}; chats ${S.int(s.chats)}`,
  );
  console.log(
    `  Redis used_memory grew ${S.mb(s.redisGrowth.bytes)} MB over the soak; from ${s.redisGrowth.steadyFrom} s on ` +
      `${S.mb(s.redisGrowth.steadyBytesPerSecond * 60)} MB/min = ${S.int(s.redisGrowth.steadyPerChat)} bytes per chat ` +
      'started (kept by design: conversations CONVERSATION_TTL_SEC, transcripts TRANSCRIPT_RETENTION_SEC; not judged)',
  );
  for (const [name, g] of Object.entries(s.verdicts)) {
    const unit = /RSS|heap/.test(name) ? (v) => `${S.mb(v)} MB` : (v) => `${S.ms(v)} ms`;
    console.log(
      `  ${name}: ${unit(g.start)} → fitted change ${unit(g.change)} (${(100 * g.relative).toFixed(1)}%) after the first interval: ${g.grows ? 'GROWS' : 'stable'}`,
    );
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = options.out || join(ROOT, 'bench/results', stamp);
  mkdirSync(outDir, { recursive: true });
  const info = machine();
  console.log(`Webim bot gateway bench — ${info.date}`);
  console.log(
    `  machine: ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB.toFixed(1)} GiB; Node ${info.node}, Redis ${info.redis}, BullMQ ${info.bullmq}; commit ${info.commit}`,
  );
  console.log(`  logs and results: ${relative(process.cwd(), outDir) || '.'}`);
  const settings = [
    `LOG_LEVEL=${options.logLevel}`,
    ...Object.entries(options.env).map(([k, v]) => `${k}=${v}`),
    ...(options.timers ? [] : ['demo agent without timers']),
  ];
  console.log(`  stack: ${settings.join(', ')}`);
  const busy = await machineBusy();
  info.busyBeforeStart = busy;
  if (busy > 0.1) {
    console.log(
      `  WARNING: the machine was ${(100 * busy).toFixed(0)}% busy before the start: something ` +
        'else is running, and the figures will be lower and noisier than they should be',
    );
  }
  if (options.reference && !existsSync(join(REFERENCE_DIR, 'run.sh'))) {
    throw new Error(`--reference: no ${join(REFERENCE_DIR, 'run.sh')} (set BENCH_REFERENCE_DIR)`);
  }
  options.stackEnv = {
    ...options.env,
    ...(options.timers ? {} : { DEMO_AGENT_FILE: agentWithoutTimers(outDir) }),
  };
  options.profileDir = options.profile ? join(outDir, 'profiles') : undefined;
  const report = { machine: info, options, runs: [], idle: null, soak: null, reference: null };
  const started = Date.now();

  if (options.soak > 0) {
    ensureBuilt(['queue']);
    console.log(`\nSoak: ${options.soak} s at ${options.rate} req/s …`);
    report.soak = await soak(options, outDir);
    printSoak(report.soak);
  } else {
    ensureBuilt(options.modes);
    for (const mode of options.modes) {
      for (const workers of mode === 'queue' ? options.workers : [null]) {
        const label = `${NAMES[mode]}${workers ? ` (${workers} worker${workers > 1 ? 's' : ''})` : ''}`;
        const stack = await startStack({
          mode,
          workers: workers ?? 0,
          logDir: outDir,
          logLevel: options.logLevel,
          env: options.stackEnv,
          profileDir: options.profileDir,
          tag: workers ? `${mode}-w${workers}` : mode,
        });
        try {
          for (const concurrency of options.concurrency) {
            process.stdout.write(`  ${label}, ${concurrency} chats … `);
            const run = await measure(stack, { concurrency, workers, options, label: mode });
            report.runs.push(run);
            console.log(
              `${S.int(run.rps)} req/s, p50 ${S.ms(run.latency.p50)} ms, p99 ${S.ms(run.latency.p99)} ms, hand-offs ${handoffText(run)}`,
            );
            for (const p of run.problems) console.log(`    problem: ${p}`);
          }
          if (mode === 'queue' && workers === options.workers[0] && options.idleChats > 0) {
            process.stdout.write(`  ${label}, ${options.idleChats} idle chats … `);
            report.idle = await idleChats(stack, options);
            console.log(`${S.int(report.idle.bytesPerChat)} bytes per chat in Redis`);
          }
        } finally {
          await stack.stop();
        }
      }
    }
  }
  if (options.reference) {
    console.log(`\nReference round trip (${relative(process.cwd(), REFERENCE_DIR)}) …`);
    try {
      report.reference = await reference(options, outDir);
    } catch (error) {
      console.log(`  the reference failed; the rest is reported: ${error.message}`);
    }
  }

  if (report.runs.length) printRuns(report.runs);
  if (report.reference) {
    const refRuns = Object.values(report.reference.generator);
    console.log('\nReference driven by this generator (same chats, "hello" → "hi")');
    console.log(S.table(LATENCY_HEADER, latencyRows(refRuns)));
    const names = processNames(refRuns);
    console.log(
      S.table(
        ['mode', 'workers', 'chats', ...names, 'machine busy / steal / others'],
        resourceRows(refRuns, names),
      ),
    );
    warnShared(refRuns);
    console.log(S.table(['mode', 'workers', 'chats', ...names, 'server'], cpuRows(refRuns, names)));
    for (const r of refRuns) {
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
        Object.entries(report.reference.wrk)
          .map(
            ([c, r]) =>
              `${c} conns ${S.int(r.rps)} req/s, p50 ${S.ms(r.p50_ms)} ms, p99 ${S.ms(r.p99_ms)} ms`,
          )
          .join('; '),
    );
  }
  const ratios = ratioRows(report.runs);
  if (ratios.length) {
    console.log(
      '\nThe price of the queue hop (ratios of the runs above; throughput below 1× and latency above 1× is the cost)',
    );
    console.log(S.table(RATIO_HEADER, ratios));
  }
  if (report.idle) printIdle(report.idle);
  if (report.runs.length || report.soak) {
    console.log('\nTargets of issue 7');
    console.log(
      S.table(
        ['target', 'measured', 'verdict'],
        targetRows(report.runs, report.reference, report.soak, report.idle),
      ),
    );
  }
  report.markdown = {
    runs: report.runs.length ? S.markdownTable(LATENCY_HEADER, latencyRows(report.runs)) : '',
    ratios: ratios.length ? S.markdownTable(RATIO_HEADER, ratios) : '',
  };
  if (options.profileDir && existsSync(options.profileDir)) {
    console.log('\nCPU profiles (self time on the main thread, start-up included)');
    for (const file of readdirSync(options.profileDir).sort()) {
      if (file.endsWith('.cpuprofile')) printProfile(join(options.profileDir, file), 12);
    }
  }
  writeFileSync(
    join(outDir, 'result.json'),
    JSON.stringify(report, (k, v) => (k === 'samples' ? undefined : v), 2),
  );
  console.log(
    `\nDone in ${Math.round((Date.now() - started) / 1000)} s; ${relative(process.cwd(), join(outDir, 'result.json'))}`,
  );
}

// Ctrl-C: the children (redis-server, gateway, workers) are in this process group and get it too.
process.on('SIGINT', () => process.exit(130));
main().catch((error) => {
  console.error(error.stack ?? error);
  process.exitCode = 1;
});
