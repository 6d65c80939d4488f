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
//   node bench/run.js --reference            also the reference round trip (BENCH_REFERENCE_DIR)
//                                            driven by this generator and, if installed, by wrk
//   node bench/run.js --help
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { startStack, ROOT } = require('./lib/stack');
const { parseArgs } = require('./lib/options');
const { machine, machineBusy } = require('./lib/machine');
const { ensureBuilt, agentWithoutTimers, backendAgent } = require('./lib/prepare');
const { startBackend } = require('./lib/backend');
const { measure, idleChats } = require('./lib/measure');
const { soak, printSoak } = require('./lib/soak');
const { REFERENCE_DIR, reference, printReference } = require('./lib/reference');
const R = require('./lib/report');
const S = require('./lib/stats');

/** Each mode (and each worker count of the queue mode) on a fresh stack, at each concurrency. */
async function standard(options, outDir, report) {
  ensureBuilt(options.modes);
  for (const mode of options.modes) {
    for (const workers of mode === 'queue' ? options.workers : [null]) {
      const label = `${R.NAMES[mode]}${workers ? ` (${workers} worker${workers > 1 ? 's' : ''})` : ''}`;
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
          const run = await measure(stack, {
            concurrency,
            workers,
            options,
            label: mode,
            script: options.backend ? 'backend' : undefined,
            backend: options.backend,
          });
          report.runs.push(run);
          console.log(
            `${S.int(run.rps)} req/s, p50 ${S.ms(run.latency.p50)} ms, p99 ${S.ms(run.latency.p99)} ms, hand-offs ${R.handoffText(run)}`,
          );
          if (run.backend) console.log(`    ${R.backendText(run, options.backendMs)}`);
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

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = options.out || join(ROOT, 'bench/results', stamp);
  mkdirSync(outDir, { recursive: true });
  const info = machine();
  R.printHeader(info, options, outDir);
  info.busyBeforeStart = await machineBusy();
  R.warnBusy(info.busyBeforeStart);
  if (options.reference && !REFERENCE_DIR) {
    throw new Error("--reference: set BENCH_REFERENCE_DIR to the reference bench's folder");
  }
  if (options.reference && !existsSync(join(REFERENCE_DIR, 'run.sh'))) {
    throw new Error(`--reference: no ${join(REFERENCE_DIR, 'run.sh')} (set BENCH_REFERENCE_DIR)`);
  }
  if (options.backendMs > 0) {
    options.backend = await startBackend(options.backendMs);
    console.log(`Backend answering after ${options.backendMs} ms at ${options.backend.url}`);
  }
  options.stackEnv = {
    ...(options.backend
      ? {
          DEMO_AGENT_FILE: backendAgent(outDir, options.backend.url),
          EGRESS_ALLOWED_HOSTS: '127.0.0.1',
          EGRESS_ALLOWED_PRIVATE: '127.0.0.1',
        }
      : {}),
    ...(options.timers || options.backend ? {} : { DEMO_AGENT_FILE: agentWithoutTimers(outDir) }),
    ...options.env,
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
    await standard(options, outDir, report);
  }
  if (options.reference) {
    console.log(`\nReference round trip (${relative(process.cwd(), REFERENCE_DIR)}) …`);
    try {
      report.reference = await reference(options, outDir);
    } catch (error) {
      console.log(`  the reference failed; the rest is reported: ${error.message}`);
    }
  }

  if (report.runs.length) R.printRuns(report.runs);
  if (report.reference) printReference(report.reference);
  R.printRatios(report.runs);
  if (report.idle) R.printIdle(report.idle);
  R.printTargets(report);
  report.markdown = R.markdown(report.runs);
  R.printProfiles(options.profileDir);
  options.backend?.stop();
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
