'use strict';
// The machine a run is measured on, and whether something else was using it: on a small shared
// machine another process's CPU lowers the figures, so every run says how busy the machine was.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { cpus } = require('node:os');
const { setTimeout: sleep } = require('node:timers/promises');
const { ROOT } = require('./stack');

/** What the figures depend on besides the code: printed with them and kept in result.json. */
function machine() {
  const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  const memTotal = /^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  let redisVersion = '?';
  try {
    const out = execFileSync(process.env.REDIS_SERVER_BIN || 'redis-server', ['--version'], {
      encoding: 'utf8',
    });
    redisVersion = /v=(\S+)/.exec(out)?.[1] ?? out.trim();
  } catch {
    // reported as "?"
  }
  let commit = '?';
  let dirty = false;
  try {
    const git = (...args) =>
      execFileSync('git', args, {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    commit = git('rev-parse', '--short', 'HEAD');
    dirty = git('status', '--porcelain', '--', 'apps', 'libs') !== '';
  } catch {
    // not a git checkout
  }
  return {
    cpus: cpus().length,
    cpuModel: cpuModel ?? cpus()[0]?.model ?? '?',
    memoryGiB: memTotal ? Number(memTotal) / 1048576 : NaN,
    node: process.version,
    redis: redisVersion,
    bullmq: require('bullmq/package.json').version,
    commit: dirty ? `${commit} (+ uncommitted changes in apps/ or libs/)` : commit,
    date: new Date().toISOString(),
  };
}

/** Share of all cores busy over one second, from /proc/stat. */
async function machineBusy() {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = fields[3] + fields[4]; // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(1000);
  const b = read();
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/** Over this (% of one core), other processes shared the machine: the run's figures are low. */
const OTHERS_LIMIT = 15;

/**
 * The machine's CPU with what processes outside the bench used (% of one core): its busy share
 * of all cores minus the measured processes.
 */
function withOthers(machineCpu, resources) {
  const ours = resources.reduce(
    (sum, r) => sum + (Number.isFinite(r.cpuPercent) ? r.cpuPercent : 0),
    0,
  );
  const othersPercent = Math.max(0, (machineCpu.busyPercent / 100) * cpus().length * 100 - ours);
  return { ...machineCpu, othersPercent, shared: othersPercent > OTHERS_LIMIT };
}

module.exports = { machine, machineBusy, withOthers, OTHERS_LIMIT };
