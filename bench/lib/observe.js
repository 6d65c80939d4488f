'use strict';
// What the stack says about a run: Prometheus counters and histograms of the gateway and the
// workers (hand-offs by reason, time spent in the dispatcher, in the queue and in the turn), and
// Redis's own command statistics (commands and Redis CPU per Webim request).

/**
 * Every sample of a Prometheus text exposition, keyed by `name{labels}` as printed.
 * @param {string} text
 */
function parsePrometheus(text) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** @param {string} url */
async function scrape(url) {
  try {
    const response = await fetch(url);
    return parsePrometheus(await response.text());
  } catch {
    return new Map();
  }
}

/** Sum of the samples whose key starts with `name{` (or equals `name`) and matches `filter`. */
function total(samples, name, filter = () => true) {
  let sum = 0;
  for (const [key, value] of samples) {
    if ((key === name || key.startsWith(`${name}{`)) && filter(key)) sum += value;
  }
  return sum;
}

/**
 * Scrapes every process that serves metrics; `diff` of two snapshots says what happened between.
 * @param {{name: string, metricsUrl?: string}[]} processes
 */
async function snapshot(processes) {
  const withMetrics = processes.filter((p) => p.metricsUrl);
  const scraped = await Promise.all(withMetrics.map((p) => scrape(p.metricsUrl)));
  return new Map(withMetrics.map((p, i) => [p.name, scraped[i]]));
}

/**
 * @param {Map<string, Map<string, number>>} before
 * @param {Map<string, Map<string, number>>} after
 */
function diff(before, after) {
  const delta = (proc, name, filter) =>
    total(after.get(proc) ?? new Map(), name, filter) -
    total(before.get(proc) ?? new Map(), name, filter);
  const handoffs = {};
  for (const [key, value] of after.get('gateway') ?? new Map()) {
    if (!key.startsWith('webim_answers_total{') || !key.includes('outcome="handed_off"')) continue;
    const reason = /reason="([^"]*)"/.exec(key)?.[1] ?? '?';
    const change = value - ((before.get('gateway') ?? new Map()).get(key) ?? 0);
    if (change > 0) handoffs[reason] = (handoffs[reason] ?? 0) + change;
  }
  const mean = (proc, name, filter) => {
    const count = delta(proc, `${name}_count`, filter);
    return count ? (1000 * delta(proc, `${name}_sum`, filter)) / count : NaN;
  };
  const workers = [...after.keys()].filter((k) => k.startsWith('worker'));
  const turns = (k) => k.includes('queue="webim-turns"');
  const completed = (k) => turns(k) && k.includes('status="completed"');
  const overWorkers = (name, filter) => {
    let sum = 0;
    let count = 0;
    for (const w of workers) {
      sum += delta(w, `${name}_sum`, filter);
      count += delta(w, `${name}_count`, filter);
    }
    return count ? (1000 * sum) / count : NaN;
  };
  // What the workers' requests out of the product came to, by outcome (call and llm steps).
  const egress = {};
  for (const w of workers) {
    for (const [key, value] of after.get(w) ?? new Map()) {
      if (!key.startsWith('webim_egress_requests_total{')) continue;
      const outcome = /outcome="([^"]*)"/.exec(key)?.[1] ?? '?';
      const change = value - ((before.get(w) ?? new Map()).get(key) ?? 0);
      if (change > 0) egress[outcome] = (egress[outcome] ?? 0) + change;
    }
  }
  return {
    egress,
    answered: delta('gateway', 'webim_answers_total', (k) => k.includes('outcome="answered"')),
    handoffs,
    /** Mean ms from the dispatcher's start to its answer (the gateway's view of a turn). */
    dispatcherMs: mean('gateway', 'webim_answer_duration_seconds'),
    /** Mean ms a turn job waited in the queue before a worker took it. */
    queueWaitMs: overWorkers('webim_job_wait_seconds', turns),
    /** Mean ms a worker spent on a turn job (claim, scenario, commit, timers). */
    turnRunMs: overWorkers('webim_job_run_seconds', completed),
  };
}

/**
 * Redis commands and Redis CPU per Webim request, from INFO commandstats after a RESETSTAT.
 * @param {import('ioredis').Redis} redis
 * @param {number} requests
 */
async function redisCommands(redis, requests) {
  const info = await redis.info('commandstats');
  const commands = [];
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    commands.push({ command: match[1], calls: Number(match[2]), usec: Number(match[3]) });
  }
  // Commands run inside a Lua script count both on their own and in the script's time: the
  // calls are a measure of work, the time is not additive (Redis CPU comes from /proc instead).
  commands.sort((a, b) => b.calls - a.calls);
  const calls = commands.reduce((s, c) => s + c.calls, 0);
  const scripts = commands
    .filter((c) => /^(evalsha|eval|fcall|evalsha_ro|eval_ro|fcall_ro)$/.test(c.command))
    .reduce((s, c) => s + c.calls, 0);
  return {
    callsPerRequest: calls / requests,
    scriptsPerRequest: scripts / requests,
    top: commands.slice(0, 12).map((c) => ({
      command: c.command,
      perRequest: c.calls / requests,
      usecPerRequest: c.usec / requests,
    })),
  };
}

/** @param {import('ioredis').Redis} redis */
async function redisMemory(redis) {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

module.exports = { snapshot, diff, redisCommands, redisMemory, parsePrometheus };
