'use strict';
// Several bench runs side by side: the median and the range of each figure, per mode, workers
// and chats. One run on a small shared machine moves by ±15%; compare medians of a few.
// Usage: node bench/compare.js bench/results/<dir>... (or their result.json files) [--markdown] [--all]
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const S = require('./lib/stats');

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
// Runs that shared the machine with other processes (marked "!" by run.js) are left out.
const all = args.includes('--all');
let skipped = 0;
const files = args
  .filter((a) => a !== '--markdown' && a !== '--all')
  .map((a) => (existsSync(join(a, 'result.json')) ? join(a, 'result.json') : a));
if (files.length === 0) {
  console.error(
    'Usage: node bench/compare.js <results dir or result.json>... [--markdown] [--all]',
  );
  process.exit(2);
}

const groups = new Map();
const add = (key, run) => {
  if (run.machineCpu?.shared && !all) {
    skipped++;
    return;
  }
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(run);
};
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const run of report.runs ?? [])
    add(`${run.mode}|${run.workers ?? '-'}|${run.concurrency}`, run);
  for (const run of Object.values(report.reference?.generator ?? {})) {
    add(`reference|1|${run.concurrency}`, run);
  }
  for (const [c, r] of Object.entries(report.reference?.wrk ?? {})) {
    add(`reference (wrk)|-|${c}`, {
      rps: r.rps,
      latency: { p50: r.p50_ms, p90: r.p90_ms, p99: r.p99_ms, max: r.max_ms },
      cpuMsPerRequest: NaN,
    });
  }
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cell = (xs, format) => {
  const finite = xs.filter(Number.isFinite);
  if (!finite.length) return '-';
  if (finite.length === 1) return format(finite[0]);
  return `${format(median(finite))} (${format(Math.min(...finite))}–${format(Math.max(...finite))})`;
};

const header = [
  'mode',
  'workers',
  'chats',
  'runs',
  'req/s',
  'p50 ms',
  'p99 ms',
  'server CPU ms/req',
];
const rows = [...groups].map(([key, runs]) => {
  const [mode, workers, chats] = key.split('|');
  return [
    mode,
    workers,
    chats,
    runs.length,
    cell(
      runs.map((r) => r.rps),
      S.int,
    ),
    cell(
      runs.map((r) => r.latency.p50),
      S.ms,
    ),
    cell(
      runs.map((r) => r.latency.p99),
      S.ms,
    ),
    cell(
      runs.map((r) => r.cpuMsPerRequest),
      (v) => v.toFixed(2),
    ),
  ];
});
console.log(markdown ? S.markdownTable(header, rows) : S.table(header, rows));
if (skipped) {
  console.log(
    `(${skipped} run(s) left out: they shared the machine with other processes; --all keeps them)`,
  );
}
