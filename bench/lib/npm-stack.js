'use strict';
// The whole product as `npm start` runs it (dist/apps/stack/main.js), for the small benches that
// measure one path end to end: started with the given environment, ready once the gateway prints
// the demo channel's webhook URL.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const STACK_MAIN = join(__dirname, '../../dist/apps/stack/main.js');

/**
 * Starts the stack and resolves once its demo webhook URL is printed (it needs a JSON log
 * format or a pipe, not the terminal view). Its stderr goes to this process's.
 * @param {Record<string, string>} env added to this process's environment
 * @returns {Promise<{ stack: import('node:child_process').ChildProcess, url: string }>}
 */
async function startNpmStack(env) {
  const stack = spawn(process.execPath, [STACK_MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    stack.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /Demo channel webhook URL: (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    stack.once('exit', (code) => reject(new Error(`stack exited (${code})`)));
  });
  return { stack, url };
}

/** The value below which `p` percent of `sorted` (ascending) lie. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

module.exports = { startNpmStack, percentile };
