'use strict';
// Where a process's CPU went, from a V8 .cpuprofile (node --cpu-prof): self time by package
// (a node_modules package, the app's bundle, Node's internals, GC) and by function.
// Usage: node bench/lib/profile-summary.js <file.cpuprofile> [top=15]
const { readFileSync } = require('node:fs');

/** @param {string} url */
function packageOf(url) {
  if (!url) return '(native/vm)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node (internal)';
  const app = /dist\/apps\/([^/]+)\//.exec(url);
  if (app) return `app (${app[1]} bundle)`;
  return url.replace(/^file:\/\//, '');
}

/**
 * @param {string} file
 * @returns {{totalMs: number, packages: [string, number][], functions: [string, number][]}}
 */
function summarizeProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const packages = new Map();
  const functions = new Map();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const { callFrame } = nodes.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    totalMs += ms;
    const pkg = name.startsWith('(') ? name : packageOf(callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    const where = callFrame.url ? `${packageOf(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, packages: sorted(packages), functions: sorted(functions) };
}

/** @param {string} file @param {number} top */
function printProfile(file, top = 15) {
  const { totalMs, packages, functions } = summarizeProfile(file);
  const share = (ms) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  console.log(
    `${file}: ${(totalMs / 1000).toFixed(1)} s of CPU on the main thread (idle excluded)`,
  );
  console.log('  by package:');
  for (const [name, ms] of packages.slice(0, top)) console.log(`    ${share(ms)}  ${name}`);
  console.log('  by function (self time):');
  for (const [name, ms] of functions.slice(0, top)) console.log(`    ${share(ms)}  ${name}`);
}

module.exports = { summarizeProfile, printProfile };

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('Usage: node bench/lib/profile-summary.js <file.cpuprofile> [top=15]');
    process.exit(2);
  }
  printProfile(file, Number(top) || 15);
}
