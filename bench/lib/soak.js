'use strict';
// Soak (--soak): the queue mode at a fixed rate for minutes, one row per interval, and a verdict
// on whether latency or memory grows: what a short run cannot show.
const { setTimeout: sleep } = require('node:timers/promises');
const { startStack } = require('./stack');
const { watch } = require('./proc');
const { snapshot, diff, redisMemory } = require('./observe');
const { withOthers } = require('./machine');
const { generator, runId } = require('./measure');
const S = require('./stats');
const { LATENCY_COLUMNS } = require('./report');

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
        ...LATENCY_COLUMNS,
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

module.exports = { soak, printSoak };
