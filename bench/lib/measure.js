'use strict';
// One measured run against a started stack, and the memory of idle chats. The load generator
// runs as a child process so that its CPU is measured apart from the stack's.
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { watch, memory } = require('./proc');
const { snapshot, diff, redisCommands, redisMemory } = require('./observe');
const { withOthers } = require('./machine');
const S = require('./stats');

/**
 * Runs the load generator as a child process.
 * @param {import('./load').LoadConfig} config
 * @returns {{pid: number, result: Promise<object>, close: () => void}}
 */
function generator(config) {
  const child = fork(join(__dirname, 'load.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m.type === 'result') resolve(m.result);
      if (m.type === 'error') reject(new Error(m.error));
    });
    // Any exit before the result fails the run (a settled promise ignores a later reject).
    child.once('exit', (code, signal) =>
      reject(new Error(`load generator exited (${signal ?? code}) without a result`)),
    );
  });
  child.send({ type: 'run', config });
  // The generator waits for this (after its result) before it exits, so that its CPU and memory
  // can still be read when the measured period ends: see load.js. Closed at the latest 3 s on.
  const close = () => child.connected && child.disconnect();
  result.then(() => setTimeout(close, 3000).unref(), close);
  return { pid: child.pid, result, close };
}

// Every run's chat ids are its own, so that no run finds another's conversations in Redis.
let runCounter = 0;
const runId = (label) => `${label}${++runCounter}-${Date.now().toString(36)}`;

/**
 * One measured run: warm-up, then `duration` seconds during which the processes, the metrics
 * and Redis are watched. `target` is a stack, or the reference (`script: 'reference'`), which
 * has no Prometheus metrics to read.
 */
async function measure(target, { concurrency, workers, options, label, script, backend }) {
  const workerProcs = target.processes.filter((p) => p.name.startsWith('worker'));
  // Idle is the workers' memory before the stack's first run: after a run, garbage and grown
  // pools would hide what the next one's turns hold.
  target.idleMemory ??= await workerMemory(workerProcs);
  const idleMemory = target.idleMemory;
  const load = generator({
    url: target.url,
    concurrency,
    warmupMs: options.warmup * 1000,
    durationMs: options.duration * 1000,
    turns: options.turns,
    handoffShare: script ? 0 : options.handoffs,
    script,
    runId: runId(label),
  });
  await sleep(options.warmup * 1000);
  const processes = [...target.processes, { name: 'generator', pid: load.pid }];
  const before = await snapshot(target.processes);
  await target.redis.config('RESETSTAT');
  const watcher = watch(processes);
  await backend?.stats(true);
  // Turns in flight hold their memory only while the load runs: read it in the middle.
  await sleep((options.duration * 1000) / 2);
  const loadedMemory = await workerMemory(workerProcs);
  await sleep((options.duration * 1000) / 2);
  const resources = watcher.stop();
  const backendStats = await backend?.stats();
  const machineCpu = withOthers(watcher.machine, resources);
  const [after, commands] = await Promise.all([
    snapshot(target.processes),
    load.result.then((r) => redisCommands(target.redis, r.requests)),
  ]);
  const result = await load.result;
  load.close();
  // The reference serves no metrics: nothing to diff, and no row in the "inside" table.
  const metrics = script === 'reference' ? undefined : diff(before, after);
  const serverCpu = resources
    .filter((r) => r.name !== 'generator')
    .reduce((s, r) => s + r.cpuPercent, 0);
  return {
    mode: target.mode,
    workers,
    concurrency,
    seconds: result.seconds,
    requests: result.requests,
    rps: result.rps,
    latency: S.summarize(result.samples),
    counts: result.counts,
    chats: result.chats,
    problems: result.problems,
    reconnects: result.reconnects,
    handoffReasons: metrics?.handoffs ?? {},
    metrics,
    redis: commands,
    resources,
    machineCpu,
    /** CPU time of the server processes (not the generator) per request, in ms. */
    cpuMsPerRequest: ((serverCpu / 100) * 1000) / result.rps,
    workerMemory: { idle: idleMemory, loaded: loadedMemory },
    backend: backendStats,
  };
}

/**
 * RSS and V8 heap in use of each worker, summed: the heap from the worker's own metrics.
 * @param {{pid: number, metricsUrl?: string}[]} workers
 */
async function workerMemory(workers) {
  const scraped = await snapshot(workers);
  let heap = 0;
  for (const samples of scraped.values()) heap += samples.get('nodejs_heap_size_used_bytes') ?? 0;
  return { rss: workers.reduce((s, w) => s + memory(w.pid).rss, 0), heap };
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

module.exports = { generator, runId, measure, idleChats };
