'use strict';
// What a run needs before it starts: bundles and the launcher no older than their sources (a
// stale dist/ would measure old code), and the demo agent as the options ask for it.
const { spawnSync } = require('node:child_process');
const {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} = require('node:fs');
const { join } = require('node:path');
const { LAUNCHER, ROOT } = require('./stack');

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * What the bench runs from dist/: each output, the sources it is built from, and its build. The
 * launcher is needed by every run, whatever its modes.
 */
const TARGETS = {
  launcher: {
    output: join(LAUNCHER, 'index.js'),
    sources: ['libs/launcher/src'],
    build: ['npm', 'run', 'build:launcher'],
  },
  gateway: app('gateway', ['apps/gateway', 'libs']),
  worker: app('worker', ['apps/worker', 'libs']),
  'bench-inprocess': app('bench-inprocess', ['apps/bench-inprocess', 'apps/gateway', 'libs']),
};

function app(name, sources) {
  return {
    output: join(ROOT, 'dist/apps', name, 'main.js'),
    sources,
    build: ['npx', 'nest', 'build', name],
  };
}

/** Builds what the modes need whose output is missing or older than its sources. */
function ensureBuilt(modes) {
  const needed = ['launcher'];
  if (modes.includes('queue')) needed.push('gateway', 'worker');
  if (modes.includes('direct')) needed.push('gateway');
  if (modes.includes('inproc')) needed.push('bench-inprocess');
  for (const name of new Set(needed)) {
    const { output, sources, build } = TARGETS[name];
    const built = existsSync(output) ? statSync(output).mtimeMs : 0;
    const changed = Math.max(...sources.map((d) => newest(join(ROOT, d))));
    if (built >= changed) continue;
    console.log(`  building ${name} (${build.join(' ')}) …`);
    const result = spawnSync(build[0], build.slice(1), { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${build.join(' ')} failed`);
    // webpack does not rewrite a bundle whose content has not changed: without this, a source
    // edit that changes nothing in it would rebuild it on every run.
    const now = new Date();
    utimesSync(output, now, now);
  }
}

/** The demo agent without its reminder timer (--no-timers): what the timers cost. */
function agentWithoutTimers(outDir) {
  const source = readFileSync(join(ROOT, 'agents/demo.yaml'), 'utf8');
  const file = join(outDir, 'demo-without-timers.yaml');
  writeFileSync(file, source.replace(/^\s*- start_timer: reminder\n/gm, ''));
  return file;
}

/**
 * The agent of --backend-ms: every visitor turn, new_chat included, calls the backend and says
 * what it answered. A failure or a timeout hands the chat off under its own reason, so the
 * report tells a slow backend from a saturated worker.
 * @param {string} outDir
 * @param {string} backendUrl
 */
function backendAgent(outDir, backendUrl) {
  const file = join(outDir, 'backend-agent.yaml');
  writeFileSync(
    file,
    `name: Bench backend agent
start: ask
branches:
  ask:
    - call:
        url: '${backendUrl}/answer'
        timeout: 4s
        save: { reply: body.reply }
        on: { error: failed, timeout: slow }
    - say: 'The backend says {{reply}}'
    - wait: {}
    - goto: ask
  failed:
    - handoff: backend_failed
  slow:
    - handoff: backend_slow
`,
  );
  return file;
}

module.exports = { ensureBuilt, agentWithoutTimers, backendAgent };
