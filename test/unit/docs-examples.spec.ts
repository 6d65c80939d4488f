import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainAgent } from '@app/scenario';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';

// The examples in docs/scenario-language.md are complete agents: each one must train (compile
// without errors, pass its own tests). An example block starts with `# example: <name>`.

const doc = readFileSync(join(__dirname, '../../docs/scenario-language.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n(# example: (\S+)\n[\s\S]*?)```/g)].map((m) => ({
  name: m[2],
  source: m[1],
}));

describe('docs/scenario-language.md examples', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples)('$name trains', ({ source }) => {
    const report = trainAgent(source, { channel: WEBIM_CHANNEL_VARIABLES });
    expect(report.errors).toEqual([]);
    expect(report.tests.filter((t) => !t.passed)).toEqual([]);
    expect(report.tests.length).toBeGreaterThan(0);
    expect(report.trained).toBe(true);
  });
});
