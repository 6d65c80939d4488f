import { compileAgent } from './compile-agent';
import type { Step } from './model';
import { onlyError, WEBIM, yaml } from './spec-helpers';

/** An agent whose route (line 7 on) has the given cases, then an else case. */
const route = (...cases: string[]) =>
  yaml(
    'start: a',
    'variables: { n: 0, s: x }',
    'branches:',
    '  a:',
    '    - wait: {}',
    '    - route:',
    ...cases.map((c) => `        - ${c}`),
    '        - { goto: b }',
    '  b:',
    '    - end: true',
  );

const casesOf = (source: string) =>
  (compileAgent(source, WEBIM).agent.branches.a[1] as Extract<Step, { kind: 'route' }>).cases;

describe('compileAgent: route cases with if', () => {
  it('reads one test or a list of them, keeping eq and ne values as written', () => {
    expect(
      casesOf(
        route(
          '{ if: { var: n, eq: 007 }, goto: b }',
          '{ if: { var: s, eq: true, ne: "no" }, goto: b }',
          '{ if: [{ var: n, gte: 1, lt: 2.5 }, { var: s, set: false }], goto: b }',
          '{ if: { var: s, contains: Ab, matches: "^a" }, goto: b }',
          '{ if: { var: n, lte: -1, gt: -10 }, goto: b }',
        ),
      ),
    ).toEqual([
      { if: [{ var: 'n', eq: '007' }], goto: 'b' },
      { if: [{ var: 's', eq: 'true', ne: 'no' }], goto: 'b' },
      {
        if: [
          { var: 'n', gte: 1, lt: 2.5 },
          { var: 's', set: false },
        ],
        goto: 'b',
      },
      { if: [{ var: 's', contains: 'Ab', matches: '^a' }], goto: 'b' },
      { if: [{ var: 'n', lte: -1, gt: -10 }], goto: 'b' },
      { goto: 'b' },
    ]);
  });

  it('combines if with button and text in one case', () => {
    const source = yaml(
      'start: a',
      'branches:',
      '  a:',
      '    - buttons: [[{ id: y, text: Y }]]',
      '    - wait: { save: said }',
      '    - route:',
      '        - { button: y, text: "^y", if: { var: said, ne: "" }, goto: a }',
      '        - { goto: a }',
    );
    const step = compileAgent(source, WEBIM).agent.branches.a[2];
    expect(step).toEqual({
      kind: 'route',
      cases: [
        { button: ['y'], text: '^y', if: [{ var: 'said', ne: '' }], goto: 'a' },
        { goto: 'a' },
      ],
    });
  });

  it('does not take a case with only if for an else case', () => {
    const { warnings } = compileAgent(
      yaml(
        'start: a',
        'variables: { n: 1 }',
        'branches:',
        '  a:',
        '    - route: [{ if: { var: n, eq: 1 }, goto: b }, { text: x, goto: b }]',
        '    - say: reachable',
        '  b:',
        '    - end: true',
      ),
      WEBIM,
    );
    // No "never tried" and no "never run" warnings: only the missing else case.
    expect(warnings.map((w) => [w.path, w.message.slice(0, 34)])).toEqual([
      ['branches.a[0].route', 'the route has no else case, so whe'],
    ]);
  });

  it.each([
    ['{ if: { eq: 5 }, goto: b }', 'if', /^the condition names no variable; add var: <name>/],
    [
      '{ if: { var: n }, goto: b }',
      'if',
      /^the condition on "n" tests nothing; add one of eq, ne, lt, lte, gt, gte, contains, matches, set/,
    ],
    ['{ if: { var: 1n, eq: 1 }, goto: b }', 'if.var', /invalid variable name "1n"/],
    [
      '{ if: { var: n, lt: "5" }, goto: b }',
      'if.lt',
      /"5" is not a number \(write it without quotes\)/,
    ],
    [
      '{ if: { var: n, gt: abc }, goto: b }',
      'if.gt',
      /"abc" is not a number; these operators compare numbers/,
    ],
    [
      '{ if: { var: n, eq: [1] }, goto: b }',
      'if.eq',
      /a list does not fit here; compare with a string/,
    ],
    ['{ if: { var: n, eq: }, goto: b }', 'if.eq', /an empty value does not fit here/],
    ['{ if: { var: s, contains: "" }, goto: b }', 'if.contains', /the text is empty/],
    [
      '{ if: { var: s, matches: "(" }, goto: b }',
      'if.matches',
      /Invalid regular expression.*escape/,
    ],
    [
      '{ if: { var: s, set: yes }, goto: b }',
      'if.set',
      /"yes" is not true or false; write set: true/,
    ],
    ['{ if: [], goto: b }', 'if', /the list of conditions is empty/],
    ['{ if: x, goto: b }', 'if', /"x" does not fit here; expected a test on a variable/],
    [
      '{ if: [{ var: n, eq: 1 }, { var: n, is: 1 }], goto: b }',
      'if[1].is',
      /unknown key "is"; allowed keys: var, eq, ne, lt, lte, gt, gte, contains, matches, set$/,
    ],
    ['{ if: { var: n, eq: 1 } }', '', /the case has no goto/],
  ])('rejects %s', (c, at, message) => {
    const path = at === '' ? 'branches.a[1].route[0]' : `branches.a[1].route[0].${at}`;
    const error = onlyError(route(c), path);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(7);
  });

  it('locates errors inside if', () => {
    expect(
      onlyError(route('{ if: { var: n, lt: "5" }, goto: b }'), 'branches.a[1].route[0].if.lt'),
    ).toMatchObject({
      line: 7,
      column: 31,
    });
    const source = yaml(
      'start: a',
      'variables: { n: 0 }',
      'branches:',
      '  a:',
      '    - wait: {}',
      '    - route:',
      '        - goto: a',
      '          if:',
      '            - { var: n, gte: 1 }',
      '            - { var: n, set: maybe }',
      '        - goto: a',
    );
    expect(onlyError(source, 'branches.a[1].route[0].if[1].set')).toMatchObject({
      line: 10,
      column: 30,
    });
  });
});
