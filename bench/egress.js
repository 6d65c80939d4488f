'use strict';
// What holding many outbound calls costs: CALLS calls at once through the egress adapter
// (libs/egress) to a local backend, in another process, that answers each after 200 ms.
// Through the adapter and, for comparison, through undici alone: a first round each opens the
// connections, the next ones reuse them (keep-alive).
// Usage: node --expose-gc bench/egress.js [calls=1000]   (no build needed: transpiled here)
// Prints the round's total time, the latency the adapter adds over the backend's 200 ms (p50,
// p99), how far the heap grew per call the backend held at once, the RSS the pooled connections
// keep, and the CPU spent per call.
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { setInterval, clearInterval } = require('node:timers');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
    },
  });
  module._compile(outputText, filename);
};
const { Egress } = require('../libs/egress/src/egress.ts');
const { Registry } = require('prom-client');
const { Agent, request } = require('undici');

const CALLS = Number(process.argv[2] || 1000);
const BACKEND_MS = 200;

const BACKEND = `
  const http = require('node:http');
  let inFlight = 0;
  let peak = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    peak = Math.max(peak, ++inFlight);
    // Tells the bench, at the end of each round, how many calls it held at once.
    res.on('finish', () => {
      if (--inFlight > 0) return;
      process.stdout.write(peak + '\\n');
      peak = 0;
    });
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }, ${BACKEND_MS});
  });
  server.keepAliveTimeout = 60000;
  server.maxRequestsPerSocket = 0;
  server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

async function round(label, sendOne, peakWaiting) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  const latencies = [];
  const started = performance.now();
  const calls = Array.from({ length: CALLS }, async () => {
    const t = performance.now();
    const kind = await sendOne();
    latencies.push(performance.now() - t);
    return kind;
  });
  // The most memory held while the calls wait: sampled, as the calls arrive over some time.
  const most = { heapUsed: before.heapUsed };
  const sampler = setInterval(() => {
    most.heapUsed = Math.max(most.heapUsed, process.memoryUsage().heapUsed);
  }, 5);
  const kinds = await Promise.all(calls);
  clearInterval(sampler);
  const peak = Number(await peakWaiting());
  const total = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const elu = performance.eventLoopUtilization(eluBefore);
  const ok = kinds.filter((k) => k === 'ok').length;
  const over = latencies.map((ms) => ms - BACKEND_MS).sort((a, b) => a - b);
  console.log(`${label}: ${ok}/${CALLS} ok in ${total.toFixed(0)} ms`);
  console.log(
    `  over the backend's ${BACKEND_MS} ms: p50 ${percentile(over, 50).toFixed(1)} ms, p99 ${percentile(over, 99).toFixed(1)} ms`,
  );
  const perCall = (bytes) => `${(bytes / peak / 1024).toFixed(1)} KiB per waiting call`;
  console.log(
    `  at most ${peak} calls waiting at once on the backend; heap grew ${mib(most.heapUsed - before.heapUsed)} MiB (${perCall(most.heapUsed - before.heapUsed)})`,
  );
  console.log(
    `  CPU ${((cpu.user + cpu.system) / CALLS).toFixed(0)} µs per call; event loop busy ${(elu.utilization * 100).toFixed(0)} % of the round`,
  );
}

async function main() {
  const backend = spawn(process.execPath, ['-e', BACKEND], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = require('node:readline').createInterface({ input: backend.stdout });
  const nextLine = () => new Promise((resolve) => lines.once('line', resolve));
  const port = Number(await nextLine());
  const egress = new Egress(
    {
      allowedHosts: ['127.0.0.1'],
      allowedPrivate: ['127.0.0.1'],
      maxResponseBytes: 1024 * 1024,
      maxConcurrentPerHost: CALLS,
      maxHosts: 1000,
      deadline: { marginMs: 250, minTimeoutMs: 50 },
      breaker: {
        volumeThreshold: 5,
        errorThresholdPercent: 50,
        resetMs: 10_000,
        rollingWindowMs: 10_000,
      },
    },
    { registry: new Registry() },
  );
  const url = `http://127.0.0.1:${port}/order/123`;
  console.log(
    `${CALLS} concurrent calls, backend answers after ${BACKEND_MS} ms (node ${process.version})`,
  );
  const viaEgress = async () =>
    (await egress.send({ method: 'GET', url, timeoutMs: 10_000, deadline: Date.now() + 15_000 }))
      .kind;
  // The same requests through undici alone: what the adapter adds is the difference.
  const agent = new Agent({ connections: CALLS });
  const viaUndici = async () => {
    const response = await request(url, { dispatcher: agent });
    await response.body.json();
    return response.statusCode === 200 ? 'ok' : 'http_error';
  };
  globalThis.gc?.();
  const rssAtStart = process.memoryUsage().rss;
  try {
    await round('egress, cold (new connections)', viaEgress, nextLine);
    await round('undici alone, cold (new connections)', viaUndici, nextLine);
    const rss = process.memoryUsage().rss - rssAtStart;
    console.log(
      `RSS after both: +${mib(rss)} MiB for ${2 * CALLS} pooled connections (${(rss / 2 / CALLS / 1024).toFixed(1)} KiB each)`,
    );
    // Alternating, so that neither gains from code the other one warmed up.
    for (let i = 0; i < 2; i++) {
      await round('egress, warm (pooled connections)', viaEgress, nextLine);
      await round('undici alone, warm (pooled connections)', viaUndici, nextLine);
    }
  } finally {
    await Promise.all([egress.close(), agent.close()]);
    backend.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
