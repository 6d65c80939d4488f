import { caseHolds, conditionHolds } from './conditions';
import { compileAgent } from './compile-agent';
import { ScenarioError } from './errors';
import { runTurn } from './run-turn';
import { mergeVars } from './vars';
import { onlyError, WEBIM, yaml } from './spec-helpers';

// Patterns come from agent sources sent to the management API and are matched against visitor
// messages: neither may be able to stall a process. A backtracking engine would take years on
// these inputs; the assertions are about the answers, and Jest's timeout fails a run that hangs.

const matches = (pattern: string, value: string) =>
  conditionHolds({ var: 'x', matches: pattern }, mergeVars({ x: value }));

const textMatches = (pattern: string, text: string) =>
  caseHolds({ text: pattern, goto: 'b' }, { kind: 'text', text }, {});

describe('patterns: no catastrophic backtracking', () => {
  it.each([
    ['^(\\w+\\s?)+$', `${'a'.repeat(28)}!`],
    ['^(\\w+\\s?)+$', `${'word '.repeat(40)}!`],
    ['(a+)+$', `${'a'.repeat(64)}!`],
    ['(a|aa)+$', `${'a'.repeat(64)}!`],
    ['(.*a){20}', `${'a'.repeat(19)}${'b'.repeat(200)}`],
    ['^(([a-zа-я])+.)+[A-ZА-Я]([a-zа-я])+$', `${'я'.repeat(64)}!`],
  ])('%s against a text it does not match answers false', (pattern, text) => {
    expect(textMatches(pattern, text)).toBe(false);
    expect(matches(pattern, text)).toBe(false);
  });

  it('still matches what those patterns are for', () => {
    expect(textMatches('^(\\w+\\s?)+$', 'hello there')).toBe(true);
    expect(matches('(a|aa)+$', 'baaa')).toBe(true);
    expect(matches('(.*a){20}', 'a'.repeat(20))).toBe(true);
  });
});

describe('patterns: case-insensitive, Unicode', () => {
  it.each([
    ['привет', 'ПРИВЕТ, бот', true],
    ['^ДА$', 'да', true],
    ['ёлка', 'ЁЛКА', true],
    ['[а-я]+', 'ЯБЛОКО', true],
    ['^\\p{L}+$', 'Щука', true],
    ['^\\p{Lu}', 'щука', true],
    ['^\\p{Script=Cyrillic}+$', 'Щука', true],
    ['^\\p{Script=Cyrillic}+$', 'Pike', false],
    ['^\\p{Letter}$', 'ж', true],
    ['\\w', 'ж', false],
    ['\\bда\\b', 'да', false],
    ['\\d', '٣', false],
    ['^\\d{6}$', '123456', true],
    ['^.$', '😀', true],
    ['^\\u{1F600}$', '😀', true],
    ['^\\u0416$', 'ж', true],
    ['^[^]$', '\n', true],
    ['^(?<word>да|нет)$', 'Нет', true],
  ])('%s on %j: %s', (pattern, text, expected) => {
    expect(textMatches(pattern, text)).toBe(expected);
  });

  it('reads \\s and . as JavaScript does: every Unicode space, no line break', () => {
    expect(matches('^a\\sb$', 'a\u00a0b')).toBe(true);
    expect(matches('^a\\sb$', 'a\u3000b')).toBe(true);
    expect(matches('^a[\\s,]b$', 'a\u2009b')).toBe(true);
    expect(matches('^a\\Sb$', 'a\u00a0b')).toBe(false);
    expect(matches('^a[\\S]b$', 'a\u00a0b')).toBe(false);
    expect(matches('^a[^\\S]b$', 'a\u00a0b')).toBe(true);
    expect(matches('^a.b$', 'a\rb')).toBe(false);
    expect(matches('^a.b$', 'a\u2028b')).toBe(false);
    expect(matches('^a.b$', 'a\tb')).toBe(true);
  });
});

describe('patterns: what a linear engine cannot do is refused when the agent compiles', () => {
  const route = (pattern: string) =>
    yaml(
      'start: a',
      'branches:',
      '  a:',
      '    - wait: {}',
      '    - route:',
      `        - { text: '${pattern}', goto: b }`,
      '        - { goto: b }',
      '  b:',
      '    - end: true',
    );
  const condition = (pattern: string) =>
    yaml(
      'start: a',
      'branches:',
      '  a:',
      '    - wait: { save: x }',
      '    - route:',
      `        - { if: { var: x, matches: '${pattern}' }, goto: b }`,
      '        - { goto: b }',
      '  b:',
      '    - end: true',
    );

  it.each([
    ['price(?=s)', /lookahead `\(\?=` at character 6/, /instead/],
    ['price(?!s)', /lookahead `\(\?!` at character 6/, /instead/],
    ['(?<=a)b', /lookbehind `\(\?<=` at character 1/, /instead/],
    ['(?<!a)b', /lookbehind `\(\?<!` at character 1/, /instead/],
    ['(a)\\1', /backreference `\\1` at character 4/, /instead/],
    ['(?<x>a)\\k<x>', /backreference `\\k<x>` at character 8/, /instead/],
  ])('%s', (pattern, what, hint) => {
    const inRoute = onlyError(route(pattern), 'branches.a[1].route[0].text');
    expect(inRoute.message).toMatch(what);
    expect(inRoute.message).toMatch(hint);
    expect(inRoute).toMatchObject({ line: 6, column: 19 });
    const inIf = onlyError(condition(pattern), 'branches.a[1].route[0].if.matches');
    expect(inIf.message).toMatch(what);
    expect(inIf).toMatchObject({ line: 6, column: 36 });
  });

  it('refuses repetition counts above 1000 and patterns too large to match quickly', () => {
    expect(onlyError(route('a{1001}'), 'branches.a[1].route[0].text').message).toMatch(
      /at most 1000/,
    );
    const huge = Array.from({ length: 40 }, (_, i) => `x${i}\\p{L}{200}`).join('|');
    expect(onlyError(route(huge), 'branches.a[1].route[0].text').message).toMatch(/too large/);
  });

  it('compiles the patterns it accepts, so that what compiles runs', () => {
    expect(() => compileAgent(route('^\\s*(yes|да)\\b'), WEBIM)).not.toThrow();
    expect(() => compileAgent(condition('^\\s*\\d{6}\\s*$'), WEBIM)).not.toThrow();
  });
});

describe('patterns: matching counts toward the turn’s step limit', () => {
  // Each match is linear, but a loop may repeat one: a large pattern on a long text costs tens
  // of milliseconds, so a thousand of them would hold a worker for seconds.
  const looping = compileAgent(
    yaml(
      'start: a',
      'branches:',
      '  a:',
      '    - wait: { save: x }',
      '    - goto: spin',
      '  spin:',
      '    - route:',
      `        - { if: { var: x, matches: '[аб]\\p{L}{480}x' }, goto: b }`,
      '        - { goto: spin }',
      '  b:',
      '    - end: true',
    ),
    WEBIM,
  ).agent;
  const state = {
    v: 1 as const,
    status: 'waiting' as const,
    branch: 'a',
    step: 0,
    vars: {},
    turns: 1,
  };
  const turn = (text: string) =>
    runTurn(looping, state, { kind: 'text', text, vars: {} }, { maxSteps: 1000 });

  it('stops a loop of costly matches early, as a step limit', () => {
    const long = 'аб'.repeat(2500);
    expect(() => turn(long)).toThrow(ScenarioError);
    expect(() => turn(long)).toThrow(/pattern matches count as steps/);
  });

  it('counts a typical match as nothing more than its step', () => {
    expect(() => turn('short')).toThrow(/more than 1000 steps/);
    expect(() => turn('short')).not.toThrow(/pattern matches/);
  });
});
