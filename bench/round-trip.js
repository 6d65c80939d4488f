'use strict';
// Latency of one Webim round trip through the real stack (gateway → BullMQ → worker → reply),
// one request at a time, as one Webim chat sends them. Loopback only; bounded; stops by itself.
// Usage: npm run build && node bench/round-trip.js [turns=2000]
// Prints the median and tail of the round trip measured at the client.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { percentile, startNpmStack } = require('./lib/npm-stack');

const TURNS = Number(process.argv[2] || 2000);
const PORT = Number(process.env.BENCH_PORT || 3390);

async function main() {
  const { stack, url } = await startNpmStack({
    PORT: String(PORT),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    REDIS_URL: '',
    // Its own empty Redis and tokens, not the ones `npm start` keeps for the developer.
    STACK_DATA_DIR: mkdtempSync(join(tmpdir(), 'wg-round-trip-')),
    WORKER_HTTP_PORT: '0', // the bench needs no worker probes, and 3001 may be taken
    EXAMPLE_SHOP_PORT: '0', // nor the example shop, and 3002 may be taken
  });
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
  try {
    const chat = (i) => ({ id: `bench-${Math.floor(i / 50)}` });
    for (let i = 0; i < 200; i++)
      await post({
        event: 'new_message',
        chat: { id: 'warmup' },
        kind: 'visitor',
        text: `hours ${i}`,
      });
    const samples = [];
    for (let i = 0; i < TURNS; i++) {
      const body =
        i % 50 === 0
          ? { event: 'new_chat', chat: chat(i), visitor: { id: 'v' } }
          : i % 2
            ? {
                event: 'new_message',
                chat: chat(i),
                kind: 'visitor',
                text: `when are you open? ${i}`,
              }
            : {
                event: 'new_message',
                chat: chat(i),
                kind: 'keyboard_response',
                response: { button: { id: 'delivery', text: 'Delivery' } },
              };
      samples.push(await post(body));
    }
    samples.sort((a, b) => a - b);
    const f = (ms) => `${ms.toFixed(2)} ms`;
    console.log(
      `round trips: ${samples.length}  p50 ${f(percentile(samples, 50))}  p90 ${f(percentile(samples, 90))}  ` +
        `p99 ${f(percentile(samples, 99))}  max ${f(samples[samples.length - 1])}`,
    );
  } finally {
    stack.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
