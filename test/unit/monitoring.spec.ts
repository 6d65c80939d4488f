import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEPRECATED_METRIC_NAMES } from '@app/metrics';
import {
  dashboard,
  metricNamesIn,
  ruleGroups,
  RULES_FILE,
  RULES_TEST_FILE,
  shippedQueries,
} from '../support/monitoring-files';

// The monitoring that ships in deploy/monitoring: Prometheus' own checker and unit tests of the
// alert rules (promtool, from the Debian package `prometheus`; .ci/run installs it), the
// Kubernetes PrometheusRule that carries the same rules, and the Grafana dashboard's shape.
// That every metric they use is one the apps export is checked against the running apps, in
// test/metrics.e2e-spec.ts.

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: dirname(RULES_FILE), encoding: 'utf8' });
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: string; stdout?: string; stderr?: string };
    if (code === 'ENOENT') {
      throw new Error('promtool not found: apt-get install -y prometheus (or see .ci/run)', {
        cause: error,
      });
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    expect(promtool('check', 'rules', RULES_FILE)).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('pass their unit tests (promtool test rules)', () => {
    expect(promtool('test', 'rules', RULES_TEST_FILE)).toMatch(/SUCCESS/);
  });

  it('are the groups of the Kubernetes PrometheusRule', () => {
    const file = join(__dirname, '../../deploy/kubernetes/base/prometheusrule.yaml');
    const [manifest] = parseAllDocuments(readFileSync(file, 'utf8')).map(
      (d) => d.toJS() as { kind: string; spec: { groups: unknown } },
    );
    expect(manifest.kind).toBe('PrometheusRule');
    // When this fails: node deploy/monitoring/prometheus/to-prometheusrule.js
    expect(manifest.spec.groups).toEqual(ruleGroups());
  });

  it('have unique alert names, each with a severity, a summary and a runbook', () => {
    const rules = ruleGroups().flatMap((g) => g.rules);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect([rule.alert, rule.labels?.severity]).toEqual([
        rule.alert,
        expect.stringMatching(/^(critical|warning|info)$/),
      ]);
      expect([rule.alert, rule.annotations?.summary, rule.annotations?.runbook]).toEqual([
        rule.alert,
        expect.any(String),
        expect.stringMatching(/^docs\/[\w-]+\.md(#[\w-]+)?$/),
      ]);
    }
  });

  it('link runbooks to sections the docs have', () => {
    const anchors = (file: string) =>
      [...readFileSync(join(__dirname, '../..', file), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .replace(/\s/g, '-'),
      );
    const runbooks = ruleGroups().flatMap((g) => g.rules.map((r) => r.annotations?.runbook ?? ''));
    for (const runbook of runbooks) {
      const [file, anchor] = runbook.split('#');
      if (anchor)
        expect([runbook, anchors(file)]).toEqual([runbook, expect.arrayContaining([anchor])]);
    }
  });
});

describe('the Grafana dashboard', () => {
  const { panels, templating } = dashboard();

  it('has panels with unique ids, inside the 24-column grid, on a chosen Prometheus', () => {
    expect(panels.length).toBeGreaterThan(10);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    expect(templating.list.map((v) => v.name)).toContain('datasource');
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, panel.gridPos.x + panel.gridPos.w <= 24]).toEqual([panel.title, true]);
      expect([panel.title, panel.datasource?.uid]).toEqual([panel.title, '${datasource}']);
      expect([panel.title, panel.targets?.length]).toEqual([panel.title, expect.any(Number)]);
    }
  });

  it.each([
    ['turns answered and handed off by reason', 'webim_answers_total'],
    ['answer latency quantiles', 'webim_answer_duration_seconds_bucket'],
    ['queue depth', 'webim_queue_jobs'],
    ['worker stalls', 'webim_job_stalls_total'],
    ['egress calls by outcome', 'webim_egress_requests_total'],
    ['egress latency', 'webim_egress_duration_seconds_bucket'],
    ['breaker state', 'webim_breaker_state'],
    ['Redis up', 'webim_redis_up'],
    ['build info', 'webim_build_info'],
  ])('shows %s', (_, metric) => {
    const used = panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr)));
    expect(used).toContain(metric);
  });
});

describe('the shipped queries', () => {
  it('use no deprecated metric name', () => {
    const deprecated = shippedQueries().filter(({ expr }) =>
      metricNamesIn(expr).some(
        (name) => name.replace(/_(bucket|sum|count)$/, '') in DEPRECATED_METRIC_NAMES,
      ),
    );
    expect(deprecated).toEqual([]);
  });
});

describe('metricNamesIn', () => {
  it.each([
    ['webim_workers_alive', ['webim_workers_alive']],
    ['max(webim_workers_alive) == 0', ['webim_workers_alive']],
    ['absent(webim_workers_alive)', ['webim_workers_alive']],
    [
      'sum by (reason) (rate(webim_answers_total{outcome="handed_off", reason!="x"}[5m])) / on() group_left sum(rate(webim_answers_total[5m])) > 0.05',
      ['webim_answers_total'],
    ],
    [
      'histogram_quantile(0.99, sum by (le, queue) (rate(webim_job_wait_seconds_bucket[$__rate_interval])))',
      ['webim_job_wait_seconds_bucket'],
    ],
    ['count by (job, version) (webim_build_info) and on(job) up', ['webim_build_info', 'up']],
    ['a{l="b{c}"} + 1e3 * b offset 5m', ['a', 'b']],
  ])('finds the metrics of %s', (expr, names) => {
    expect(metricNamesIn(expr).sort()).toEqual([...names].sort());
  });
});
