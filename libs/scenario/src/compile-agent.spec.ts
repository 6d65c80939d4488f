import { compileAgent } from './compile-agent';
import { AgentCompileError } from './errors';
import type { AgentIssue } from './model';
import { issuesOf, WEBIM, yaml } from './spec-helpers';

/** A valid agent whose branch `a` holds the given step lines (indented by the caller). */
const withSteps = (...steps: string[]) => yaml('start: a', 'branches:', '  a:', ...steps);

const errorsOf = (source: string) => issuesOf(source).filter((i) => i.severity === 'error');

/** The only error of `source`, which must be at `path`. */
function onlyError(source: string, path: string): AgentIssue {
  const errors = errorsOf(source);
  expect(errors.map((e) => e.path)).toEqual([path]);
  return errors[0];
}

const warningsOf = (source: string) => compileAgent(source, WEBIM).warnings;

describe('compileAgent: valid agents', () => {
  it('compiles every step kind into the model', () => {
    const { agent, warnings } = compileAgent(
      yaml(
        'name: Test bot',
        'start: a',
        'on_chat_started: init',
        'variables: { tries: 0, plan: basic, vip: false, code: 007 }',
        'timers:',
        '  nudge: { after: 2m, goto: d }',
        '  bye.later: { after: 90000, goto: e, cancel_on_message: false }',
        'events:',
        '  order-shipped: d',
        'branches:',
        '  init:',
        '    - set: { who: "{{channel_visitor_firstname}}", n: 007, flag: true, ratio: 1.50 }',
        '  a:',
        '    - say: "Hi **{{who}}**"',
        '    - pause: 1500',
        '    - buttons:',
        '        - [{ id: yes, text: "Yes" }, { id: no-2, text: "No" }]',
        '        - [{ id: more_info, text: "More" }]',
        '    - start_timer: nudge',
        '    - wait: { save: answer }',
        '    - cancel_timer: bye.later',
        '    - route:',
        '        - { button: yes, goto: b }',
        '        - { button: [no-2, more_info], text: "^n", goto: c }',
        '        - { if: { var: tries, gte: 3, lt: 10 }, goto: c }',
        '        - if:',
        '            - { var: plan, eq: gold, ne: 1, contains: ol, matches: "^g" }',
        '            - { var: vip, set: true }',
        '          button: yes',
        '          goto: b',
        '        - { goto: a }',
        '  b:',
        '    - wait: {}',
        '    - wait: true',
        '    - handoff: true',
        '  c:',
        '    - handoff: wants a person',
        '  d:',
        '    - file: { url: "https://example.com/{{plan}}.pdf", name: "Plan {{plan}}" }',
        '    - file: { url: "http://example.com/x" }',
        '    - goto: a',
        '  e:',
        '    - end: true',
      ),
      WEBIM,
    );
    expect(warnings).toEqual([]);
    expect(agent).toEqual({
      name: 'Test bot',
      start: 'a',
      onChatStarted: 'init',
      variables: { tries: '0', plan: 'basic', vip: 'false', code: '007' },
      timers: {
        nudge: { afterMs: 120_000, branch: 'd', cancelOnMessage: true },
        'bye.later': { afterMs: 90_000, branch: 'e', cancelOnMessage: false },
      },
      events: { 'order-shipped': 'd' },
      tests: [],
      branches: {
        init: [
          {
            kind: 'set',
            values: { who: '{{channel_visitor_firstname}}', n: '007', flag: 'true', ratio: '1.50' },
          },
        ],
        a: [
          { kind: 'say', text: 'Hi {{who}}' },
          { kind: 'pause', ms: 1500 },
          {
            kind: 'buttons',
            rows: [
              [
                { id: 'yes', text: 'Yes' },
                { id: 'no-2', text: 'No' },
              ],
              [{ id: 'more_info', text: 'More' }],
            ],
          },
          { kind: 'start_timer', timer: 'nudge' },
          { kind: 'wait', save: 'answer' },
          { kind: 'cancel_timer', timer: 'bye.later' },
          {
            kind: 'route',
            cases: [
              { button: ['yes'], goto: 'b' },
              { button: ['no-2', 'more_info'], text: '^n', goto: 'c' },
              { if: [{ var: 'tries', gte: 3, lt: 10 }], goto: 'c' },
              {
                if: [
                  { var: 'plan', eq: 'gold', ne: '1', contains: 'ol', matches: '^g' },
                  { var: 'vip', set: true },
                ],
                button: ['yes'],
                goto: 'b',
              },
              { goto: 'a' },
            ],
          },
        ],
        b: [{ kind: 'wait' }, { kind: 'wait' }, { kind: 'handoff', reason: 'bot_handoff' }],
        c: [{ kind: 'handoff', reason: 'wants a person' }],
        d: [
          { kind: 'file', url: 'https://example.com/{{plan}}.pdf', name: 'Plan {{plan}}' },
          { kind: 'file', url: 'http://example.com/x', name: '' },
          { kind: 'goto', branch: 'a' },
        ],
        e: [{ kind: 'end' }],
      },
    });
  });

  it('omits name and onChatStarted when absent', () => {
    const { agent } = compileAgent(withSteps('    - say: hi'), WEBIM);
    expect(agent).toEqual({
      start: 'a',
      branches: { a: [{ kind: 'say', text: 'hi' }] },
      variables: {},
      timers: {},
      events: {},
      tests: [],
    });
    expect('name' in agent).toBe(false);
    expect('onChatStarted' in agent).toBe(false);
  });

  it('follows aliases, so keyboards and routes can be reused', () => {
    const { agent } = compileAgent(
      yaml(
        'start: a',
        'branches:',
        '  a:',
        '    - buttons: &kb [[{ id: x, text: X }]]',
        '    - wait: {}',
        '    - route: &r [{ button: x, goto: b }, { goto: a }]',
        '  b:',
        '    - buttons: *kb',
        '    - wait: {}',
        '    - route: *r',
      ),
      WEBIM,
    );
    expect(agent.branches.b).toEqual(agent.branches.a);
  });

  it('keeps branch names like __proto__ and constructor as plain data', () => {
    const { agent } = compileAgent(
      yaml(
        'start: __proto__',
        'branches:',
        '  __proto__:',
        '    - goto: constructor',
        '  constructor:',
        '    - end: true',
      ),
      WEBIM,
    );
    expect(Object.keys(agent.branches)).toEqual(['__proto__', 'constructor']);
    expect(agent.branches.constructor).toEqual([{ kind: 'end' }]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('does not treat inherited names as known branches', () => {
    const error = onlyError(withSteps('    - goto: toString'), 'branches.a[0].goto');
    expect(error.message).toMatch(/unknown branch "toString"/);
  });
});

describe('compileAgent: document errors', () => {
  it('reports YAML syntax errors with their position', () => {
    expect(errorsOf(yaml('start: a', 'branches:', '  a:', '    - say: "x" y'))).toEqual([
      {
        severity: 'error',
        line: 4,
        column: 16,
        path: '',
        message: 'Unexpected scalar at node end',
      },
    ]);
    expect(errorsOf(yaml('start: a', 'branches:', '\ta:'))[0]).toMatchObject({
      line: 3,
      column: 1,
    });
  });

  it('reports duplicate keys as syntax errors', () => {
    const issues = errorsOf(yaml('start: a', 'start: b', 'branches: {}'));
    expect(issues[0]).toMatchObject({ line: 2, column: 1 });
    expect(issues[0].message).toMatch(/unique/);
  });

  it.each([
    ['a list', yaml('- a', '- b')],
    ['a scalar', 'hello\n'],
    ['an empty document', ''],
    ['only a comment', '# nothing\n'],
  ])('rejects %s at the top level', (_what, source) => {
    const error = onlyError(source, '');
    expect(error).toMatchObject({ line: 1, column: 1 });
    expect(error.message).toMatch(/mapping with at least start and branches/);
  });

  it('rejects unknown top-level keys and names the allowed ones', () => {
    const error = onlyError(
      yaml('start: a', 'colour: red', 'branches:', '  a:', '    - end: true'),
      'colour',
    );
    expect(error).toMatchObject({ line: 2, column: 1 });
    expect(error.message).toMatch(
      /allowed keys: name, start, on_chat_started, variables, timers, events, branches, tests, llm$/,
    );
  });

  it('rejects non-string keys', () => {
    onlyError(
      yaml('start: a', 'branches:', '  a:', '    - end: true', '  1:', '    - end: true'),
      'branches',
    );
  });

  it('requires start', () => {
    const error = onlyError(yaml('branches:', '  a:', '    - end: true'), 'start');
    expect(error.message).toMatch(/missing start/);
  });

  it('requires start to be a string', () => {
    const error = onlyError(yaml('start: [a]', 'branches:', '  a:', '    - end: true'), 'start');
    expect(error).toMatchObject({ line: 1, column: 8 });
  });

  it('rejects a start naming an unknown branch and lists the known ones', () => {
    const error = onlyError(
      yaml(
        'start: welcom',
        'branches:',
        '  welcome:',
        '    - end: true',
        '  other:',
        '    - end: true',
      ),
      'start',
    );
    expect(error).toMatchObject({ line: 1, column: 8 });
    expect(error.message).toBe('unknown branch "welcom"; known branches: welcome, other');
  });

  it('rejects an unknown on_chat_started branch', () => {
    const error = onlyError(
      yaml('start: a', 'on_chat_started: nope', 'branches:', '  a:', '    - end: true'),
      'on_chat_started',
    );
    expect(error.message).toMatch(/known branches: a/);
  });

  it('requires branches to be a non-empty mapping', () => {
    expect(onlyError(yaml('start: a'), 'branches').message).toMatch(/missing branches/);
    expect(onlyError(yaml('start: a', 'branches: {}'), 'branches').message).toMatch(/no branches/);
    expect(onlyError(yaml('start: a', 'branches: [a]'), 'branches').message).toMatch(
      /a list does not fit here; expected a mapping of branch names/,
    );
  });

  it('rejects an empty branch', () => {
    const error = onlyError(yaml('start: a', 'branches:', '  a: []'), 'branches.a');
    expect(error).toMatchObject({ line: 3, column: 6 });
    expect(error.message).toMatch(/has no steps/);
    onlyError(yaml('start: a', 'branches:', '  a:'), 'branches.a');
  });

  it('quotes branch names that are not plain identifiers in paths', () => {
    onlyError(
      yaml('start: my branch', 'branches:', '  my branch:', '    - pause: 0'),
      'branches["my branch"][0].pause',
    );
  });

  it('lets on_chat_started contain only set steps', () => {
    const errors = errorsOf(
      yaml(
        'start: a',
        'on_chat_started: init',
        'branches:',
        '  init:',
        '    - set: { x: "1" }',
        '    - say: hi',
        '  a:',
        '    - end: true',
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'branches.init[1]', line: 6, column: 7 });
    expect(errors[0].message).toMatch(/only set steps/);
  });
});

describe('compileAgent: step errors', () => {
  it('rejects a step with no key', () => {
    expect(onlyError(withSteps('    - {}'), 'branches.a[0]').message).toMatch(/empty/);
  });

  it('rejects a step with more than one key, pointing at the second', () => {
    const error = onlyError(withSteps('    - say: hi', '      goto: a'), 'branches.a[0]');
    expect(error).toMatchObject({ line: 5, column: 7 });
    expect(error.message).toMatch(/exactly one key.*say, goto/);
  });

  it('rejects an unknown step and names the allowed ones', () => {
    const error = onlyError(withSteps('    - end: true', '    - sya: hi'), 'branches.a[1].sya');
    expect(error).toMatchObject({ line: 5, column: 7 });
    expect(error.message).toBe(
      'unknown step "sya"; allowed steps: say, buttons, wait, route, set, goto, handoff, end, pause, file, start_timer, cancel_timer, call, llm',
    );
  });

  it('does not take inherited names for step keys', () => {
    onlyError(withSteps('    - constructor: x'), 'branches.a[0].constructor');
  });

  it('rejects a step that is not a mapping', () => {
    expect(onlyError(withSteps('    - end'), 'branches.a[0]').message).toMatch(
      /one of the keys say, buttons/,
    );
  });

  it.each([
    ['say: 42', 'branches.a[0].say', /number 42 is not a string \(write "42" in quotes/],
    ['say: 1.50', 'branches.a[0].say', /write "1.50" in quotes/],
    ['say: ""', 'branches.a[0].say', /empty/],
    ['say:', 'branches.a[0].say', /an empty value is not a string/],
    ['say: [a]', 'branches.a[0].say', /a list is not a string/],
    ['goto: [a]', 'branches.a[0].goto', /not a string/],
    ['handoff: false', 'branches.a[0].handoff', /handoff: true/],
    ['handoff: ""', 'branches.a[0].handoff', /empty/],
    ['end: false', 'branches.a[0].end', /end: true/],
    ['end: yes', 'branches.a[0].end', /end: true/],
    ['pause: 0', 'branches.a[0].pause', /1 to 60000/],
    ['pause: -5', 'branches.a[0].pause', /1 to 60000/],
    ['pause: 1.5', 'branches.a[0].pause', /whole milliseconds/],
    ['pause: 60001', 'branches.a[0].pause', /1 to 60000/],
    ['pause: "100"', 'branches.a[0].pause', /"100" is not a valid pause/],
    ['wait: false', 'branches.a[0].wait', /wait: \{\}, wait: true or wait: \{ save/],
    ['wait: later', 'branches.a[0].wait', /expected wait/],
    ['wait: { save: 1x }', 'branches.a[0].wait.save', /invalid variable name "1x"/],
    ['wait: { save: [x] }', 'branches.a[0].wait.save', /not a string/],
    ['wait: { keep: x }', 'branches.a[0].wait.keep', /unknown key "keep"; allowed keys: save/],
    ['set: {}', 'branches.a[0].set', /no variables/],
    ['set: x', 'branches.a[0].set', /variables and values/],
    ['set: { bad-name: x }', 'branches.a[0].set.bad-name', /invalid variable name "bad-name"/],
    ['set: { x: [1] }', 'branches.a[0].set.x', /a list cannot be stored/],
    ['set: { x: }', 'branches.a[0].set.x', /an empty value cannot be stored/],
    ['set: { x: { y: 1 } }', 'branches.a[0].set.x', /a mapping cannot be stored/],
  ])('rejects `%s`', (step, path, message) => {
    expect(onlyError(withSteps(`    - ${step}`, '    - end: true'), path).message).toMatch(message);
  });

  it('rejects a goto to an unknown branch, listing the known ones', () => {
    const error = onlyError(withSteps('    - goto: b'), 'branches.a[0].goto');
    expect(error).toMatchObject({ line: 4, column: 13 });
    expect(error.message).toBe('unknown branch "b"; known branches: a');
  });
});

describe('compileAgent: buttons', () => {
  const buttons = (...rows: string[]) =>
    withSteps('    - buttons:', ...rows.map((row) => `        - ${row}`), '    - wait: {}');

  it.each([
    ['[{ id: "a b", text: A }]', 'branches.a[0].buttons[0][0].id', /invalid button id "a b"/],
    ['[{ id: "ünï", text: A }]', 'branches.a[0].buttons[0][0].id', /invalid button id/],
    [`[{ id: ${'x'.repeat(25)}, text: A }]`, 'branches.a[0].buttons[0][0].id', /1-24 characters/],
    [
      '[{ id: 1, text: A }]',
      'branches.a[0].buttons[0][0].id',
      /number 1 is not a string \(write "1" in quotes.*\); a button id/,
    ],
    ['[{ id: a, text: "" }]', 'branches.a[0].buttons[0][0].text', /empty/],
    ['[{ id: a, text: "  " }]', 'branches.a[0].buttons[0][0].text', /empty/],
    ['[{ id: a }]', 'branches.a[0].buttons[0][0]', /needs both id and text/],
    [
      '[{ id: a, text: A, color: red }]',
      'branches.a[0].buttons[0][0].color',
      /allowed keys: id, text/,
    ],
    ['[]', 'branches.a[0].buttons[0]', /row is empty/],
    ['{ id: a, text: A }', 'branches.a[0].buttons[0]', /a row: a list of buttons/],
    ['[a]', 'branches.a[0].buttons[0][0]', /a button: \{ id/],
  ])('rejects the row %s', (row, path, message) => {
    expect(onlyError(buttons(row), path).message).toMatch(message);
  });

  it('accepts a 24-character id', () => {
    expect(() =>
      compileAgent(buttons(`[{ id: ${'x'.repeat(24)}, text: A }]`), WEBIM),
    ).not.toThrow();
  });

  it('rejects a keyboard without rows or that is not a list', () => {
    expect(
      onlyError(withSteps('    - buttons: []', '    - wait: {}'), 'branches.a[0].buttons').message,
    ).toMatch(/no rows/);
    onlyError(
      withSteps('    - buttons: { id: a, text: A }', '    - wait: {}'),
      'branches.a[0].buttons',
    );
  });

  it('rejects duplicate ids within one keyboard, even across rows', () => {
    const error = onlyError(
      buttons('[{ id: a, text: A }, { id: b, text: B }]', '[{ id: a, text: Again }]'),
      'branches.a[0].buttons[1][0].id',
    );
    expect(error).toMatchObject({ line: 6, column: 18 });
    expect(error.message).toMatch(
      /duplicate button id "a" \(also at branches\.a\[0\]\.buttons\[0\]\[0\]\)/,
    );
  });

  it('allows the same id in different keyboards', () => {
    expect(() =>
      compileAgent(
        withSteps(
          '    - buttons: [[{ id: a, text: A }]]',
          '    - buttons: [[{ id: a, text: A }]]',
          '    - wait: {}',
        ),
        WEBIM,
      ),
    ).not.toThrow();
  });
});

describe('compileAgent: route', () => {
  const route = (...cases: string[]) =>
    yaml(
      'start: a',
      'branches:',
      '  a:',
      '    - buttons: [[{ id: yes, text: Yes }]]',
      '    - wait: {}',
      '    - route:',
      ...cases.map((c) => `        - ${c}`),
      '  b:',
      '    - end: true',
    );

  it.each([
    ['{}', 'branches.a[2].route[0]', /neither a condition nor a goto/],
    ['{ button: yes }', 'branches.a[2].route[0]', /no goto; add goto/],
    ['{ text: hi }', 'branches.a[2].route[0]', /no goto/],
    ['{ text: "(", goto: b }', 'branches.a[2].route[0].text', /Invalid regular expression.*escape/],
    [
      '{ text: "\\\\p{Nope}", goto: b }',
      'branches.a[2].route[0].text',
      /Invalid regular expression/,
    ],
    ['{ text: "", goto: b }', 'branches.a[2].route[0].text', /empty/],
    ['{ text: 5, goto: b }', 'branches.a[2].route[0].text', /not a string/],
    ['{ button: [], goto: b }', 'branches.a[2].route[0].button', /list is empty/],
    [
      '{ button: [yes, "no way"], goto: b }',
      'branches.a[2].route[0].button[1]',
      /invalid button id/,
    ],
    ['{ button: { id: yes }, goto: b }', 'branches.a[2].route[0].button', /not a string/],
    [
      '{ goto: nowhere }',
      'branches.a[2].route[0].goto',
      /unknown branch "nowhere"; known branches: a, b/,
    ],
    ['{ when: x, goto: b }', 'branches.a[2].route[0].when', /allowed keys: button, text, if, goto/],
    ['b', 'branches.a[2].route[0]', /a case:/],
  ])('rejects the case %s', (c, path, message) => {
    expect(onlyError(route(c, '{ goto: b }'), path).message).toMatch(message);
  });

  it('accepts unicode patterns, compiled with flags iu', () => {
    expect(() =>
      compileAgent(route('{ text: "\\\\p{L}+|привет", goto: b }', '{ goto: b }'), WEBIM),
    ).not.toThrow();
  });

  it('rejects an empty route or one that is not a list', () => {
    expect(onlyError(withSteps('    - route: []'), 'branches.a[0].route').message).toMatch(
      /no cases/,
    );
    onlyError(withSteps('    - route: { goto: a }'), 'branches.a[0].route');
  });

  it('locates the goto of a case', () => {
    const error = onlyError(
      route('{ button: yes, goto: nope }', '{ goto: b }'),
      'branches.a[2].route[0].goto',
    );
    expect(error).toMatchObject({ line: 7, column: 32 });
  });
});

describe('compileAgent: warnings', () => {
  it('warns about a route without an else case, at the route key', () => {
    const warnings = warningsOf(
      withSteps('    - wait: {}', '    - route:', '        - { text: x, goto: a }'),
    );
    expect(warnings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path: 'branches.a[1].route',
        line: 5,
        column: 7,
      }),
    ]);
    expect(warnings[0].message).toMatch(/no else case/);
  });

  it('warns about cases after the else case', () => {
    const warnings = warningsOf(
      withSteps('    - wait: {}', '    - route: [{ goto: a }, { text: x, goto: a }]'),
    );
    expect(warnings.map((w) => w.path)).toEqual(['branches.a[1].route[1]']);
    expect(warnings[0].message).toMatch(/never tried/);
  });

  it.each(['goto: a', 'handoff: true', 'end: true', 'route: [{ goto: a }]'])(
    'warns about steps after `%s`',
    (exit) => {
      const warnings = warningsOf(
        withSteps('    - wait: {}', `    - ${exit}`, '    - say: never', '    - say: never'),
      );
      expect(warnings).toEqual([
        expect.objectContaining({ path: 'branches.a[2]', line: 6, column: 7 }),
      ]);
      expect(warnings[0].message).toMatch(/never run/);
    },
  );

  it('does not warn about steps after a route without an else case', () => {
    const warnings = warningsOf(
      withSteps('    - wait: {}', '    - route: [{ text: x, goto: a }]', '    - say: reachable'),
    );
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/no else case/)]);
  });

  it('warns about a keyboard not followed by a wait in its branch', () => {
    const warnings = warningsOf(
      yaml(
        'start: a',
        'branches:',
        '  a:',
        '    - buttons: [[{ id: x, text: X }]]',
        '    - goto: b',
        '  b:',
        '    - wait: {}',
        '    - buttons: [[{ id: y, text: Y }]]',
        '    - say: "no wait after me"',
      ),
    );
    expect(warnings.map((w) => [w.path, w.line])).toEqual([
      ['branches.a[0]', 4],
      ['branches.b[1]', 8],
    ]);
    expect(warnings[0].message).toMatch(/never waits/);
  });

  it('does not warn when a wait follows the keyboard later in the branch', () => {
    expect(
      warningsOf(
        withSteps('    - buttons: [[{ id: x, text: X }]]', '    - say: hi', '    - wait: {}'),
      ),
    ).toEqual([]);
  });

  it('warns about route buttons that no keyboard offers', () => {
    const warnings = warningsOf(
      withSteps(
        '    - buttons: [[{ id: yes, text: Y }]]',
        '    - wait: {}',
        '    - route: [{ button: [yes, yse], goto: a }, { goto: a }]',
      ),
    );
    expect(warnings.map((w) => w.path)).toEqual(['branches.a[2].route[0].button[1]']);
    expect(warnings[0].message).toMatch(/no buttons step offers a button with id "yse"/);
  });

  it('includes warnings next to errors when compilation fails', () => {
    const issues = issuesOf(withSteps('    - goto: a', '    - say: 1'));
    expect(issues.map((i) => [i.severity, i.path])).toEqual([
      ['warning', 'branches.a[1]'],
      ['error', 'branches.a[1].say'],
    ]);
  });
});

describe('AgentCompileError', () => {
  it('lists every issue ordered by position and summarises the errors in its message', () => {
    let caught: unknown;
    try {
      compileAgent(
        yaml('start: zz', 'extra: 1', 'branches:', '  a:', '    - say: 1', '    - pause: 0'),
        WEBIM,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AgentCompileError);
    const error = caught as AgentCompileError;
    expect(error.name).toBe('AgentCompileError');
    expect(error.issues.map((i) => [i.line, i.column])).toEqual([
      [1, 8],
      [2, 1],
      [5, 12],
      [6, 14],
    ]);
    expect(error.message).toMatch(/^The agent has 4 errors:\n {2}1:8 start: unknown branch "zz"/);
    expect(error.message).toContain('6:14 branches.a[1].pause:');
  });

  it('truncates long summaries', () => {
    const steps = Array.from({ length: 12 }, () => '    - say: 1');
    const error = (() => {
      try {
        compileAgent(withSteps(...steps), WEBIM);
      } catch (e) {
        return e as AgentCompileError;
      }
      throw new Error('expected an error');
    })();
    expect(error.issues).toHaveLength(12);
    expect(error.message).toMatch(/12 errors/);
    expect(error.message).toMatch(/\.\.\.and 2 more$/);
  });
});

describe('compileAgent: aliases', () => {
  it('stops expanding aliases after a budget, so a small source cannot blow up', () => {
    const steps = Array.from({ length: 1_001 }, () => '    - *s');
    const errors = errorsOf(withSteps('    - &s { say: hi }', ...steps));
    expect(errors).toEqual([
      expect.objectContaining({ path: 'branches.a[1001]', line: 1005, column: 7 }),
    ]);
    expect(errors[0].message).toMatch(/more than 1000 aliases/);
  });

  it('resolves an alias to the latest anchor of its name before it', () => {
    const { agent } = compileAgent(
      withSteps('    - &s { say: one }', '    - *s', '    - &s { say: two }', '    - *s'),
      WEBIM,
    );
    expect(agent.branches.a.map((step) => step.kind === 'say' && step.text)).toEqual([
      'one',
      'one',
      'two',
      'two',
    ]);
  });
});
