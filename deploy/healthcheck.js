// Docker HEALTHCHECK of the image. The slim base image has no curl or wget, so node itself does
// the GET. Healthy means a 2xx answer within 3 s; anything else exits 1.
//
// Which URL: the first argument, else HEALTHCHECK_URL, else the /health/live of the process this
// container runs. One image runs the gateway (PORT, default 3000) and the worker
// (WORKER_HTTP_PORT, default 3001), and the command line of PID 1 tells them apart (with
// `init: true` it is docker-init's, which still ends with the node command).
const { readFileSync } = require('node:fs');
const http = require('node:http');

function runsWorker() {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').includes('apps/worker/');
  } catch {
    return false;
  }
}

function defaultUrl() {
  const port = runsWorker() ? process.env.WORKER_HTTP_PORT || '3001' : process.env.PORT || '3000';
  return `http://127.0.0.1:${port}/health/live`;
}

const url = process.argv[2] || process.env.HEALTHCHECK_URL || defaultUrl();

const request = http.get(url, { timeout: 3000 }, (response) => {
  response.resume();
  const ok = response.statusCode >= 200 && response.statusCode < 300;
  if (!ok) console.error(`${url}: HTTP ${response.statusCode}`);
  process.exit(ok ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('no answer within 3 s')));
request.on('error', (error) => {
  console.error(`${url}: ${error.message}`);
  process.exit(1);
});
