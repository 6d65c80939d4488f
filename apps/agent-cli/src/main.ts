import { readFileSync } from 'node:fs';
import { trainAgent, TrainingReport } from '@app/scenario';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';
import { formatTests, formatValidation } from './report';

const USAGE = `Usage: npm run agent -- <validate|test> [--json] <agent.yaml> [more.yaml ...]

  validate   check syntax and references; print errors and warnings with line and column
  test       validate, then run the agent's own tests (its tests: section)
  --json     print the full reports as JSON instead

Exit code: 0 when every file is valid (and, for test, every test passes), 1 otherwise,
2 for a usage error or an unreadable file.`;

function main(argv: string[]): number {
  const json = argv.includes('--json');
  const [command, ...files] = argv.filter((a) => a !== '--json');
  if ((command !== 'validate' && command !== 'test') || files.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const reports: { file: string; report: TrainingReport }[] = [];
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      console.error(`${file}: cannot read: ${(error as Error).message}`);
      return 2;
    }
    reports.push({ file, report: trainAgent(source, { channel: WEBIM_CHANNEL_VARIABLES }) });
  }
  if (json) {
    console.log(JSON.stringify(reports, null, 2));
  } else {
    for (const { file, report } of reports) {
      const lines =
        command === 'validate' ? formatValidation(file, report) : formatTests(file, report);
      console.log(lines.join('\n'));
    }
  }
  const failed = reports.some(({ report }) =>
    command === 'validate' ? report.errors.length > 0 : !report.trained,
  );
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
