import { api, errorText } from './api.js';
import { byId, debounce, el, fill } from './dom.js';
import type {
  AgentDetail,
  AgentIssue,
  AgentSummary,
  AgentValidation,
  TestResult,
} from './types.js';

// The agent editor: pick an agent or write one, see its errors and warnings at their line and
// column as you type (the gateway compiles it with the same compiler as the CLI, through
// POST /api/agents/validate), run its tests, and train it (PUT /api/agents/{id}).

/** Long enough not to compile on every key stroke, short enough to feel immediate. */
const CHECK_AFTER_MS = 350;

/** The source's line height (playground.css), and the lines shown above a line gone to. */
const LINE_HEIGHT_PX = 18;
const CONTEXT_LINES = 4;

const NEW_AGENT = `name: My agent
start: hello
branches:
  hello:
    - say: 'Hello! Type anything.'
    - wait: { save: said }
    - say: 'You said: {{said}}'
    - goto: hello
tests:
  - name: echoes the visitor
    conversation:
      - new_chat: {}
        bot: ['Hello! Type anything.']
      - say: 'hi'
        bot: ['You said: hi', 'Hello! Type anything.']
`;

export class Editor {
  private readonly picker = byId<HTMLSelectElement>('agent-select');
  private readonly agentId = byId<HTMLInputElement>('agent-id');
  private readonly source = byId<HTMLTextAreaElement>('source');
  private readonly gutter = byId('gutter');
  private readonly problems = byId('problems');
  private readonly tests = byId('tests');
  private readonly trainResult = byId('train-result');
  /** Answers to older checks are dropped: only the source on screen counts. */
  private checks = 0;

  /** `trained`: the agent went live; the chat talks to it. */
  constructor(private readonly trained: (agentId: string) => void) {
    this.picker.addEventListener('change', () => void this.pick(this.picker.value));
    this.source.addEventListener('input', () => {
      this.renderGutter([]);
      this.check();
    });
    this.source.addEventListener('scroll', () => (this.gutter.scrollTop = this.source.scrollTop));
    byId('run-tests').addEventListener('click', () => void this.runTests());
    byId('train').addEventListener('click', () => void this.train());
  }

  private readonly check = debounce(() => void this.validate(), CHECK_AFTER_MS);

  /** Lists the agents and opens `preferred` (or the first one). */
  async load(preferred?: string): Promise<void> {
    const ids = await this.list();
    const open = preferred && ids.includes(preferred) ? preferred : (ids[0] ?? '');
    this.picker.value = open;
    await this.pick(open);
  }

  /** Fills the picker with the trained agents, and "New agent…". */
  private async list(): Promise<string[]> {
    const answer = await api<AgentSummary[]>('/api/agents');
    const ids = answer.ok ? answer.body.map((a) => a.id) : [];
    fill(
      this.picker,
      ...ids.map((id) => el('option', { value: id }, id)),
      el('option', { value: '' }, 'New agent…'),
    );
    return ids;
  }

  get currentAgent(): string {
    return this.agentId.value.trim();
  }

  private async pick(agentId: string): Promise<void> {
    fill(this.tests);
    fill(this.trainResult);
    if (!agentId) {
      this.agentId.value = 'my-agent';
      this.source.value = NEW_AGENT;
    } else {
      const answer = await api<AgentDetail>(`/api/agents/${encodeURIComponent(agentId)}`);
      if (!answer.ok) return this.say(this.trainResult, 'error', errorText(answer));
      this.agentId.value = agentId;
      this.source.value = answer.body.source;
      this.trained(agentId);
    }
    await this.validate();
  }

  /** Compiles the source on screen and shows what the compiler says, at its line and column. */
  async validate(): Promise<AgentValidation | null> {
    const check = ++this.checks;
    const answer = await api<AgentValidation>('/api/agents/validate', {
      method: 'POST',
      yaml: this.source.value,
    });
    if (check !== this.checks) return null;
    if (!answer.ok) {
      this.say(this.problems, 'error', errorText(answer));
      return null;
    }
    const issues = [...answer.body.errors, ...answer.body.warnings].sort(
      (a, b) => a.line - b.line || a.column - b.column,
    );
    this.renderGutter(issues);
    fill(
      this.problems,
      issues.length === 0
        ? el('p', { class: 'ok' }, 'No errors or warnings.')
        : el('ul', {}, ...issues.map((issue) => this.problemItem(issue))),
    );
    this.problems.dataset.checked = String(check);
    return answer.body;
  }

  private problemItem(issue: AgentIssue): HTMLElement {
    return el(
      'li',
      { class: `problem ${issue.severity}`, 'data-line': String(issue.line) },
      el(
        'button',
        { type: 'button', class: 'link', onclick: () => this.goTo(issue.line, issue.column) },
        `line ${issue.line}, column ${issue.column}`,
      ),
      ` ${issue.severity}: ${issue.message}`,
    );
  }

  /** Line numbers beside the source, the lines with a problem marked. */
  private renderGutter(issues: AgentIssue[]): void {
    const marks = new Map<number, AgentIssue>();
    for (const issue of issues) {
      if (marks.get(issue.line)?.severity !== 'error') marks.set(issue.line, issue);
    }
    const lines = this.source.value.split('\n').length;
    const numbers: HTMLElement[] = [];
    for (let line = 1; line <= lines; line++) {
      const issue = marks.get(line);
      numbers.push(
        el(
          'div',
          {
            class: issue ? `line ${issue.severity}` : 'line',
            'data-line': String(line),
            title: issue ? `${issue.column}: ${issue.message}` : undefined,
          },
          String(line),
        ),
      );
    }
    fill(this.gutter, ...numbers);
    this.gutter.scrollTop = this.source.scrollTop;
  }

  /** Puts the caret at a line and column of the source. */
  private goTo(line: number, column: number): void {
    const lines = this.source.value.split('\n');
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += Math.max(0, column - 1);
    this.source.focus();
    this.source.setSelectionRange(offset, offset);
    // Browsers need not scroll a textarea to its caret: show the line a few lines from the top.
    this.source.scrollTop = Math.max(0, (line - CONTEXT_LINES) * LINE_HEIGHT_PX);
    this.gutter.scrollTop = this.source.scrollTop;
  }

  private async runTests(): Promise<void> {
    fill(this.tests, el('p', {}, 'Running the tests…'));
    const report = await this.validate();
    if (!report) return fill(this.tests);
    if (report.errors.length > 0) {
      return this.say(this.tests, 'error', 'The agent does not compile: fix its errors first.');
    }
    this.renderTests(report.tests);
  }

  private renderTests(tests: TestResult[]): void {
    const passed = tests.filter((t) => t.passed).length;
    fill(
      this.tests,
      el(
        'p',
        { class: passed === tests.length ? 'ok' : 'error' },
        tests.length === 0 ? 'The agent has no tests.' : `${passed} of ${tests.length} passed`,
      ),
      el(
        'ul',
        {},
        ...tests.map((test) =>
          el(
            'li',
            { class: `test ${test.passed ? 'pass' : 'fail'}` },
            el('span', { class: 'verdict' }, test.passed ? 'PASS' : 'FAIL'),
            ` ${test.name}`,
            ...test.failures.map((failure) =>
              el(
                'div',
                { class: 'failure' },
                el(
                  'p',
                  {},
                  `line ${failure.line}, exchange ${failure.exchange}: ${failure.message}`,
                ),
                failure.expected !== undefined &&
                  el('div', {}, 'expected', el('pre', { class: 'expected' }, failure.expected)),
                failure.actual !== undefined &&
                  el('div', {}, 'actual', el('pre', { class: 'actual' }, failure.actual)),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** PUT /api/agents/{id}: compiled, tested and stored as the agent's next version. */
  private async train(): Promise<void> {
    const agentId = this.currentAgent;
    if (!agentId) return this.say(this.trainResult, 'error', 'Name the agent first.');
    this.say(this.trainResult, '', 'Training…');
    const answer = await api<{ version: number; tests: TestResult[] }>(
      `/api/agents/${encodeURIComponent(agentId)}`,
      { method: 'PUT', yaml: this.source.value },
    );
    if (!answer.ok) return this.say(this.trainResult, 'error', `Not trained: ${errorText(answer)}`);
    this.renderTests(answer.body.tests);
    this.say(this.trainResult, 'ok', `Trained: ${agentId} version ${answer.body.version} is live.`);
    await this.list();
    this.picker.value = agentId;
    this.trained(agentId);
  }

  private say(where: HTMLElement, kind: string, text: string): void {
    fill(where, el('p', { class: kind }, text));
  }
}
