import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The authors' CLI, run as they run it (the built entry point behind `npm run agent`).

const CLI = join(__dirname, '../dist/apps/agent-cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'wg-agent-cli-'));

function agentFile(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const GOOD = `
start: welcome
branches:
  welcome:
    - say: "Hi! Yes or no?"
    - buttons: [[{ id: yes, text: "Yes" }, { id: no, text: "No" }]]
    - wait: {}
    - route:
        - { button: yes, goto: glad }
        - { goto: sorry }
  glad:
    - say: "Glad to hear it."
    - end: true
  sorry:
    - handoff: unhappy
tests:
  - name: a happy visitor
    conversation:
      - new_chat: {}
        bot: ["Hi! Yes or no?", { buttons: [[yes, no]] }]
      - press: yes
        bot: ["Glad to hear it."]
  - name: an unhappy visitor goes to a person
    conversation:
      - new_chat: {}
      - say: "meh"
        handoff: unhappy
`;

describe('npm run agent', () => {
  it('validates a good agent: exit 0 and a summary', () => {
    const { code, out } = run('validate', agentFile('good.yaml', GOOD));
    expect(code).toBe(0);
    expect(out).toMatch(/good\.yaml: valid \(3 branches, 0 warning\(s\), 2 test\(s\)\)/);
  });

  it('reports errors with file, line and column, and exits 1', () => {
    const file = agentFile('bad.yaml', GOOD.replace('goto: sorry', 'goto: sory'));
    const { code, out } = run('validate', file);
    expect(code).toBe(1);
    expect(out).toContain(`${file}:10:19: error:`);
    expect(out).toMatch(/unknown branch "sory"/);
  });

  it('runs the agent tests and shows expected and actual for a failing one', () => {
    expect(run('test', agentFile('good2.yaml', GOOD)).out).toMatch(/2 passed, 0 failed/);
    const failing = agentFile(
      'failing.yaml',
      GOOD.replace('bot: ["Glad to hear it."]', 'bot: ["So glad."]'),
    );
    const { code, out } = run('test', failing);
    expect(code).toBe(1);
    expect(out).toContain('✗ a happy visitor');
    expect(out).toContain('✓ an unhappy visitor goes to a person');
    expect(out).toMatch(/expected:\s+"So glad\."\s+actual:\s+"Glad to hear it\."/);
    expect(out).toMatch(/1 passed, 1 failed/);
  });

  it('prints JSON reports on request', () => {
    const { code, out } = run('test', '--json', agentFile('good3.yaml', GOOD));
    expect(code).toBe(0);
    const [entry] = JSON.parse(out) as { report: { trained: boolean; tests: unknown[] } }[];
    expect(entry.report.trained).toBe(true);
    expect(entry.report.tests).toHaveLength(2);
  });

  it('explains its usage and exits 2 on a usage error or an unreadable file', () => {
    expect(run().code).toBe(2);
    expect(run('frobnicate', 'x.yaml').err).toContain('Usage: npm run agent');
    expect(run('validate', join(dir, 'missing.yaml')).code).toBe(2);
  });

  it('passes every shipped agent', () => {
    const { code, out } = run('test', join(__dirname, '../agents/demo.yaml'));
    expect(out).toMatch(/\d+ passed, 0 failed/);
    expect(code).toBe(0);
  });
});
