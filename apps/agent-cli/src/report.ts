import type { AgentIssue, AgentTestResult, TrainingReport } from '@app/scenario';

// Human-readable reports for agent authors: compiler-style `file:line:column: severity:` lines
// (editors and CI annotate them), and a test list with expected/actual for each failure.

export function formatIssue(file: string, issue: AgentIssue): string {
  const where = issue.path ? ` (${issue.path})` : '';
  return `${file}:${issue.line}:${issue.column}: ${issue.severity}: ${issue.message}${where}`;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

export function formatTest(test: AgentTestResult): string {
  if (test.passed) return `  ✓ ${test.name}`;
  const lines = [`  ✗ ${test.name}`];
  for (const failure of test.failures) {
    lines.push(`      ${failure.message}`);
    if (failure.expected !== undefined)
      lines.push('      expected:', indent(failure.expected, '        '));
    if (failure.actual !== undefined)
      lines.push('      actual:', indent(failure.actual, '        '));
  }
  return lines.join('\n');
}

export function formatValidation(file: string, report: TrainingReport): string[] {
  const lines = [...report.errors, ...report.warnings].map((issue) => formatIssue(file, issue));
  if (report.errors.length === 0) {
    const branches = Object.keys(report.agent?.branches ?? {}).length;
    lines.push(
      `${file}: valid (${branches} branches, ${report.warnings.length} warning(s), ${report.agent?.tests.length ?? 0} test(s))`,
    );
  } else {
    lines.push(`${file}: ${report.errors.length} error(s)`);
  }
  return lines;
}

export function formatTests(file: string, report: TrainingReport): string[] {
  if (report.errors.length > 0) return formatValidation(file, report);
  const failed = report.tests.filter((t) => !t.passed).length;
  const summary =
    report.tests.length === 0
      ? `${file}: no tests (add a tests: section)`
      : `${file}: ${report.tests.length - failed} passed, ${failed} failed`;
  return [file, ...report.tests.map(formatTest), summary];
}
