import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The monitoring that ships (deploy/monitoring), read for tests. */
export const MONITORING_DIR = join(__dirname, '../../deploy/monitoring');
export const RULES_FILE = join(MONITORING_DIR, 'prometheus/webim-alerts.rules.yaml');
export const RULES_TEST_FILE = join(MONITORING_DIR, 'prometheus/webim-alerts.test.yaml');
export const DASHBOARD_FILE = join(MONITORING_DIR, 'grafana/webim-bot-gateway.dashboard.json');

export interface RuleGroup {
  name: string;
  rules: {
    alert?: string;
    record?: string;
    expr: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}

export function ruleGroups(): RuleGroup[] {
  return (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: RuleGroup[] }).groups;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string }[];
}

export function dashboard(): { panels: Panel[]; templating: { list: { name: string }[] } } {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
}

/** Every PromQL expression of the dashboard and the rules, with where it is. */
export function shippedQueries(): { where: string; expr: string }[] {
  return [
    ...ruleGroups().flatMap((g) =>
      g.rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
    ),
    ...dashboard().panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr })),
    ),
  ];
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects. Strings, label matchers (`{…}`), ranges
 * (`[…]`), grouping lists (`by (…)`) and Grafana variables are taken out first; of what is
 * left, a name is an identifier that is not a keyword and not followed by `(` (a function).
 * A `{__name__="…"}` selector is not understood: the shipped queries do not use one.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+|\$\{[^}]*\}/g, ' ');
  const names = new Set<string>();
  // Not inside a number or a duration (`1e3`, `5m`).
  for (const match of stripped.matchAll(/(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice(match.index! + name.length).trimStart();
    if (KEYWORDS.has(name.toLowerCase()) || after.startsWith('(')) continue;
    names.add(name);
  }
  return [...names];
}
