'use strict';
// What a run needs before it starts: bundles no older than their sources (a stale dist/ would
// measure old code), and the demo agent as the options ask for it.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT } = require('./stack');

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds (nest build) each app the modes need whose bundle is missing or older than its sources. */
function ensureBuilt(modes) {
  const sources = {
    gateway: ['apps/gateway', 'libs'],
    worker: ['apps/worker', 'libs'],
    'bench-inprocess': ['apps/bench-inprocess', 'apps/gateway', 'libs'],
  };
  const needed = [];
  if (modes.includes('queue')) needed.push('gateway', 'worker');
  if (modes.includes('direct')) needed.push('gateway');
  if (modes.includes('inproc')) needed.push('bench-inprocess');
  for (const app of needed) {
    const bundle = join(ROOT, 'dist/apps', app, 'main.js');
    const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
    const changed = Math.max(...sources[app].map((d) => newest(join(ROOT, d))));
    if (built >= changed) continue;
    console.log(`  building ${app} (nest build ${app}) …`);
    const build = spawnSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`nest build ${app} failed`);
  }
}

/** The demo agent without its reminder timer (--no-timers): what the timers cost. */
function agentWithoutTimers(outDir) {
  const source = readFileSync(join(ROOT, 'agents/demo.yaml'), 'utf8');
  const file = join(outDir, 'demo-without-timers.yaml');
  writeFileSync(file, source.replace(/^\s*- start_timer: reminder\n/gm, ''));
  return file;
}

module.exports = { ensureBuilt, agentWithoutTimers };
