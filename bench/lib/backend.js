'use strict';
// The slow business backend of `--backend-ms`: a local HTTP server, in its own process so that
// its CPU is measured apart from the stack's, that answers every request after a fixed delay
// with a small JSON. It counts the requests it holds at once: the figure a worker's "turns
// waiting on a backend" claim is checked against. Parent and child talk over IPC.
const { fork } = require('node:child_process');
const http = require('node:http');
const { join } = require('node:path');

/**
 * Starts the backend as a child process.
 * @param {number} delayMs how long each answer takes
 * @returns {Promise<{url: string, pid: number, stats: (reset?: boolean) => Promise<{requests: number, maxInFlight: number}>, stop: () => void}>}
 */
function startBackend(delayMs) {
  const child = fork(join(__dirname, 'backend.js'), [String(delayMs)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = [];
  child.on('message', (m) => waiting.shift()?.(m));
  const ask = (message) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`backend exited (${code}) before listening`)));
    waiting.push((m) =>
      resolve({
        url: `http://127.0.0.1:${m.port}`,
        pid: child.pid,
        stats: (reset = false) => ask({ type: 'stats', reset }),
        stop: () => child.connected && child.disconnect(),
      }),
    );
  });
}

module.exports = { startBackend };

if (require.main === module) {
  const delayMs = Number(process.argv[2]);
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    setTimeout(() => {
      inFlight--;
      const body = JSON.stringify({ reply: 'ok', served: requests });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    }, delayMs);
  });
  // Keep-alive well past the worker's idle pool timeout, so connections are reused, not churned.
  server.keepAliveTimeout = 60_000;
  server.maxRequestsPerSocket = 0;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m) => {
    if (m?.type !== 'stats') return;
    process.send({ requests, maxInFlight });
    if (m.reset) {
      requests = 0;
      maxInFlight = inFlight;
    }
  });
}
