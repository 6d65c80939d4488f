import { trainAgent } from './train-agent';
import { WEBIM, yaml } from './spec-helpers';

const AGENT = [
  'start: a',
  'branches:',
  '  a:',
  '    - say: "Hi {{nmae}}"',
  '    - wait: {}',
  '    - say: bye',
];

describe('trainAgent', () => {
  it('trains an agent that compiles and passes its tests, keeping its warnings', () => {
    const report = trainAgent(
      yaml(
        ...AGENT,
        'tests:',
        '  - name: greets',
        '    conversation:',
        '      - { new_chat: {}, bot: ["Hi "] }',
      ),
      WEBIM,
    );
    expect(report).toMatchObject({
      trained: true,
      errors: [],
      tests: [{ name: 'greets', passed: true, failures: [] }],
    });
    expect(report.agent?.start).toBe('a');
    expect(report.warnings.map((w) => [w.line, w.message.slice(0, 29)])).toEqual([
      [4, 'unknown variable nmae renders'],
    ]);
  });

  it('trains an agent without tests', () => {
    expect(trainAgent(yaml(...AGENT), WEBIM)).toMatchObject({
      trained: true,
      errors: [],
      tests: [],
    });
  });

  it('does not train an agent whose test fails, but returns the agent and the results', () => {
    const report = trainAgent(
      yaml(
        ...AGENT,
        'tests:',
        '  - { name: passes, conversation: [{ new_chat: {} }] }',
        '  - { name: fails, conversation: [{ new_chat: {} }, { say: x, bot: [see you] }] }',
      ),
      WEBIM,
    );
    expect(report.trained).toBe(false);
    expect(report.agent).toBeDefined();
    expect(report.errors).toEqual([]);
    expect(report.tests).toEqual([
      { name: 'passes', passed: true, failures: [] },
      {
        name: 'fails',
        passed: false,
        failures: [
          {
            exchange: 2,
            line: 9,
            message: 'exchange 2 (line 9): message 1: expected "see you", got "bye"',
            expected: '"see you"',
            actual: '"bye"',
          },
        ],
      },
    ]);
  });

  it('reports a syntax error without running anything', () => {
    const report = trainAgent(yaml('start: a', 'branches:', '  a:', '    - say: "x" y'), WEBIM);
    expect(report).toEqual({
      trained: false,
      errors: [
        {
          severity: 'error',
          line: 4,
          column: 16,
          path: '',
          message: 'Unexpected scalar at node end',
        },
      ],
      warnings: [],
      tests: [],
    });
  });

  it('reports compile errors and warnings without running the tests', () => {
    const report = trainAgent(
      yaml(
        'start: a',
        'branches:',
        '  a:',
        '    - goto: b',
        '    - say: never',
        'tests:',
        '  - { name: t, conversation: [{ timer: nope }] }',
      ),
      WEBIM,
    );
    expect(report.trained).toBe(false);
    expect(report.agent).toBeUndefined();
    expect(report.tests).toEqual([]);
    expect(report.errors.map((e) => [e.line, e.column, e.path])).toEqual([
      [4, 13, 'branches.a[0].goto'],
      [7, 40, 'tests[0].conversation[0].timer'],
    ]);
    expect(report.warnings.map((w) => [w.line, w.path])).toEqual([[5, 'branches.a[1]']]);
  });

  it.each([
    ['an empty source', ''],
    ['a list', '- a\n'],
    ['binary noise', '\u0000\u0001\u0002'],
    ['not a string', 42 as unknown as string],
    ['undefined', undefined as unknown as string],
  ])('never throws for %s', (_what, source) => {
    const report = trainAgent(source, WEBIM);
    expect(report.trained).toBe(false);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(report.errors[0]).toMatchObject({ line: 1, column: 1 });
  });

  it('passes maxSteps to the test turns', () => {
    const source = yaml(
      'start: a',
      'branches:',
      '  a:',
      '    - say: one',
      '    - say: two',
      'tests:',
      '  - { name: t, conversation: [{ new_chat: {} }] }',
    );
    expect(trainAgent(source, { ...WEBIM, maxSteps: 2 }).trained).toBe(true);
    const report = trainAgent(source, { ...WEBIM, maxSteps: 1 });
    expect(report.trained).toBe(false);
    expect(report.tests[0].failures[0].message).toMatch(/the turn failed \(step_limit\)/);
  });
});
