'use strict';
// CPU and memory of processes from /proc (Linux): CPU% = Δ(utime+stime) / Δ(wall), where 100%
// is one core; peak RSS = VmHWM after resetting it at the start of a measurement (clear_refs 5),
// or the largest sampled VmRSS where that reset is not allowed.
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { setInterval, clearInterval } = require('node:timers');

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // 100 on every Linux this runs on
}

/** @param {number} pid */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime
}

/** @param {number} pid */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** @param {number} pid */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The machine's CPU counters (all cores), from the first line of /proc/stat. */
function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle: f[3] + f[4], steal: f[7] ?? 0 };
}

/**
 * Watches processes over one measurement window: call `stop()` at its end.
 * @param {{name: string, pid: number}[]} processes
 * @param {number} [sampleMs]
 */
function watch(processes, sampleMs = 250) {
  const started = process.hrtime.bigint();
  const machine0 = machineTicks();
  const state = processes.map((p) => {
    const peakReset = resetPeak(p.pid);
    const { rss } = memory(p.pid);
    return { ...p, cpu0: cpuSeconds(p.pid), peakReset, maxRss: rss, rssSum: rss, rssCount: 1 };
  });
  const sample = () => {
    for (const s of state) {
      try {
        const { rss } = memory(s.pid);
        s.maxRss = Math.max(s.maxRss, rss);
        s.rssSum += rss;
        s.rssCount++;
      } catch {
        // exited
      }
    }
  };
  const timer = setInterval(sample, sampleMs);
  return {
    /** The whole machine over the window: share busy, and share stolen by the hypervisor. */
    machine: null,
    /** @returns {{name: string, pid: number, cpuPercent: number, rss: number, meanRss: number, peakRss: number}[]} */
    stop() {
      clearInterval(timer);
      sample();
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const machine1 = machineTicks();
      const total = machine1.total - machine0.total;
      this.machine = {
        busyPercent: total ? (100 * (total - (machine1.idle - machine0.idle))) / total : NaN,
        stealPercent: total ? (100 * (machine1.steal - machine0.steal)) / total : NaN,
      };
      return state.map((s) => {
        try {
          const { rss, hwm } = memory(s.pid);
          const cpu = cpuSeconds(s.pid) - s.cpu0;
          return {
            name: s.name,
            pid: s.pid,
            cpuPercent: (100 * cpu) / wall,
            rss,
            meanRss: s.rssSum / s.rssCount,
            peakRss: s.peakReset ? Math.max(hwm, s.maxRss) : s.maxRss,
          };
        } catch {
          return {
            name: s.name,
            pid: s.pid,
            cpuPercent: NaN,
            rss: NaN,
            meanRss: s.rssSum / s.rssCount,
            peakRss: s.maxRss,
          };
        }
      });
    },
  };
}

module.exports = { watch, memory, cpuSeconds, machineTicks };
