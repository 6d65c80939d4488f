#!/usr/bin/env node
// Writes deploy/kubernetes/base/prometheusrule.yaml from webim-alerts.rules.yaml: the same
// groups, as a Prometheus Operator PrometheusRule. Run it after changing the rules:
//   node deploy/monitoring/prometheus/to-prometheusrule.js
// (test/unit/monitoring.spec.ts fails while the two disagree).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse, stringify } = require('yaml');

const root = join(__dirname, '../../..');
const rules = parse(readFileSync(join(__dirname, 'webim-alerts.rules.yaml'), 'utf8'));
const manifest = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: {
    name: 'webim-bot-gateway',
    labels: { 'app.kubernetes.io/name': 'webim-bot-gateway' },
  },
  spec: { groups: rules.groups },
};
const header = [
  '# Generated from deploy/monitoring/prometheus/webim-alerts.rules.yaml by',
  '# deploy/monitoring/prometheus/to-prometheusrule.js: edit the rules there, then run it.',
  "# Your Prometheus' ruleSelector may need a label of its own here (e.g. release: <name>).",
  '',
].join('\n');
writeFileSync(
  join(root, 'deploy/kubernetes/base/prometheusrule.yaml'),
  header + stringify(manifest, { lineWidth: 0 }),
);
