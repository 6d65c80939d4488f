'use strict';
// Small statistics for the bench: percentiles of latency samples, a least-squares slope for the
// soak's growth verdicts, and number formatting for the printed tables.

/**
 * Summary of latency samples in milliseconds (a sorted copy is made).
 * @param {ArrayLike<number>} samples
 */
function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (p) => (n ? sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] : NaN);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    mean: n ? sum / n : NaN,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: n ? sorted[n - 1] : NaN,
  };
}

/**
 * Least-squares fit y = a + b·x.
 * @param {number[]} xs
 * @param {number[]} ys
 */
function linearFit(xs, ys) {
  const n = xs.length;
  if (n < 2) return { slope: 0, intercept: ys[0] ?? NaN };
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

/**
 * Whether a series grows: the fitted change over the whole span, against the fitted start.
 * "grows" when the change exceeds both `relative` (a fraction of the start) and `absolute`.
 * @param {number[]} xs
 * @param {number[]} ys
 * @param {{relative: number, absolute: number}} limits
 */
function growth(xs, ys, limits) {
  const { slope, intercept } = linearFit(xs, ys);
  const start = intercept + slope * xs[0];
  const change = slope * (xs[xs.length - 1] - xs[0]);
  const relative = start ? change / start : 0;
  const grows = change > limits.absolute && relative > limits.relative;
  return { start, change, relative, slopePerMinute: slope * 60, grows };
}

const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : '-');
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const mb = (bytes) => (Number.isFinite(bytes) ? (bytes / 1048576).toFixed(0) : '-');
const pct = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}%` : '-');
const ratio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '-');

/**
 * A plain-text table with right-aligned columns (first column left-aligned).
 * @param {string[]} header
 * @param {(string|number)[][]} rows
 */
function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)]
    .join('\n')
    .trimEnd();
}

/**
 * The same table in Markdown, for docs/performance.md.
 * @param {string[]} header
 * @param {(string|number)[][]} rows
 */
function markdownTable(header, rows) {
  const line = (r) => `| ${r.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, i) => (i === 0 ? '---' : '--:'))),
    ...rows.map(line),
  ].join('\n');
}

module.exports = { summarize, linearFit, growth, table, markdownTable, ms, int, mb, pct, ratio };
