'use strict';
// The printed report of a bench run: its header, the tables of the measured runs, the ratios
// between modes, the idle chats and the performance targets. The soak and the reference print their
// own sections (soak.js, reference.js) with the tables here.
const { existsSync, readdirSync } = require('node:fs');
const { join, relative } = require('node:path');
const { OTHERS_LIMIT } = require('./machine');
const { printProfile } = require('./profile-summary');
const S = require('./stats');

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

/**
 * A --backend-ms run: what the backend held at once, the latency the product adds to the
 * backend's own, and what the worker's memory grew by while its turns waited.
 */
function backendText(run, backendMs) {
  const { idle, loaded } = run.workerMemory;
  const perTurn = (bytes) => S.int(bytes / run.concurrency);
  const egress = Object.entries(run.metrics?.egress ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    // Every request takes backendMs at the backend: their total time over the window's length is
    // how many it held at once on average.
    `backend: ${S.int((run.backend.requests * backendMs) / (run.seconds * 1000))} requests at once ` +
    `on average, ${run.backend.maxInFlight} at most; added to its ${backendMs} ms: ` +
    `p50 ${S.ms(run.latency.p50 - backendMs)} ms, p99 ${S.ms(run.latency.p99 - backendMs)} ms; ` +
    `egress ${egress || 'none'}\n    worker RSS ${S.mb(idle.rss)} → ${S.mb(loaded.rss)} MB, ` +
    `heap ${S.mb(idle.heap)} → ${S.mb(loaded.heap)} MB ` +
    `(${perTurn(loaded.rss - idle.rss)} / ${perTurn(loaded.heap - idle.heap)} bytes per chat in flight)`
  );
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
/** The columns of a latency row, in the standard runs and in the soak's rows alike. */
const LATENCY_COLUMNS = ['req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'hand-offs'];
const LATENCY_HEADER = ['mode', 'workers', 'chats', ...LATENCY_COLUMNS, 'errors'];

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

/**
 * The performance targets (docs/performance.md), against the reference measured here, or
 * against the reference's figure on another machine when it was not run.
 */
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
    : [["the reference's figure (another machine)", 4100, NaN]];
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
  if (ref?.wrkSkipped) {
    rows.push(['targets against the reference, wrk', `not measured: ${ref.wrkSkipped}`, '-']);
  }
  if (q2)
    rows.push([
      'p50 at 2 chats ≤ 1.5 ms',
      `${S.ms(q2.latency.p50)} ms`,
      verdict(q2.latency.p50 <= 1.5),
    ]);
  if (soakResult && Object.keys(soakResult.verdicts).length === 0) {
    // Growth is judged over the rows after the first: fewer than two leave nothing to fit.
    rows.push(['no growth over the soak', 'too short to judge: run --soak 600', '-']);
  } else if (soakResult) {
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

function printHeader(info, options, outDir) {
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
}

/** @param {number} busy share of all cores busy before the start (machineBusy) */
function warnBusy(busy) {
  if (busy > 0.1) {
    console.log(
      `  WARNING: the machine was ${(100 * busy).toFixed(0)}% busy before the start: something ` +
        'else is running, and the figures will be lower and noisier than they should be',
    );
  }
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

function printRatios(runs) {
  const ratios = ratioRows(runs);
  if (!ratios.length) return;
  console.log(
    '\nThe price of the queue hop (ratios of the runs above; throughput below 1× and latency above 1× is the cost)',
  );
  console.log(S.table(RATIO_HEADER, ratios));
}

function printTargets({ runs, reference, soak, idle }) {
  if (!runs.length && !soak) return;
  console.log('\nTargets');
  console.log(S.table(['target', 'measured', 'verdict'], targetRows(runs, reference, soak, idle)));
}

/** The runs and the ratios as Markdown tables in result.json, ready for docs/performance.md. */
function markdown(runs) {
  const ratios = ratioRows(runs);
  return {
    runs: runs.length ? S.markdownTable(LATENCY_HEADER, latencyRows(runs)) : '',
    ratios: ratios.length ? S.markdownTable(RATIO_HEADER, ratios) : '',
  };
}

function printProfiles(profileDir) {
  if (!profileDir || !existsSync(profileDir)) return;
  console.log('\nCPU profiles (self time on the main thread, start-up included)');
  for (const file of readdirSync(profileDir).sort()) {
    if (file.endsWith('.cpuprofile')) printProfile(join(profileDir, file), 12);
  }
}

module.exports = {
  backendText,
  LATENCY_COLUMNS,
  NAMES,
  LATENCY_HEADER,
  handoffText,
  latencyRows,
  processNames,
  resourceRows,
  cpuRows,
  warnShared,
  printHeader,
  warnBusy,
  printRuns,
  printIdle,
  printRatios,
  printTargets,
  printProfiles,
  markdown,
};
