import { caseHolds, conditionHolds } from './conditions';
import { ScenarioError } from './errors';
import type { VarCondition } from './model';
import { mergeVars } from './vars';

const holds = (test: Omit<VarCondition, 'var'>, value?: string) =>
  conditionHolds({ var: 'x', ...test }, mergeVars(value === undefined ? {} : { x: value }));

describe('conditionHolds', () => {
  it.each([
    [{ eq: 'gold' }, 'gold', true],
    [{ eq: 'gold' }, 'Gold', false],
    [{ eq: '7' }, '007', true],
    [{ eq: '7' }, ' 7.0 ', true],
    [{ eq: '1e3' }, '1000', true],
    [{ eq: '7' }, '7a', false],
    [{ eq: '' }, undefined, true],
    [{ eq: 'true' }, 'true', true],
    [{ ne: 'gold' }, 'silver', true],
    [{ ne: '7' }, '07', false],
    [{ ne: 'x' }, undefined, true],
  ])('eq/ne %j on %j: %s', (test, value, expected) => {
    expect(holds(test, value)).toBe(expected);
  });

  it.each([
    [{ lt: 10 }, '5', true],
    [{ lt: 5 }, '5', false],
    [{ lte: 5 }, '5', true],
    [{ gt: 4 }, ' 5 ', true],
    [{ gte: 5 }, '4.99', false],
    [{ gt: -1 }, '-0.5', true],
    [{ gt: 999 }, '1e3', true],
    [{ gte: 0 }, '.5', true],
    [{ lt: 10 }, 'abc', false],
    [{ gte: 0 }, '', false],
    [{ gte: 0 }, undefined, false],
    [{ gt: 1 }, '0x10', false],
    [{ lt: 1 }, 'Infinity', false],
    [{ gte: 1, lt: 5 }, '3', true],
    [{ gte: 1, lt: 5 }, '5', false],
  ])('%j on %j: %s', (test, value, expected) => {
    expect(holds(test, value)).toBe(expected);
  });

  it.each([
    [{ contains: 'WORLD' }, 'Hello world', true],
    [{ contains: 'прив' }, 'ПРИВЕТ', true],
    [{ contains: 'x' }, undefined, false],
    [{ matches: '^\\d{6}$' }, '123456', true],
    [{ matches: '^\\d{6}$' }, '12345', false],
    [{ matches: 'abc' }, 'xABCx', true],
    [{ matches: '^$' }, undefined, true],
    [{ set: true }, 'x', true],
    [{ set: true }, '', false],
    [{ set: true }, undefined, false],
    [{ set: false }, '', true],
    [{ set: false }, undefined, true],
    [{ set: false }, ' ', false],
    [{ contains: 'a', matches: 'b$', ne: 'ab' }, 'aab', true],
    [{ contains: 'a', matches: 'b$', ne: 'aab' }, 'aab', false],
  ])('%j on %j: %s', (test, value, expected) => {
    expect(holds(test, value)).toBe(expected);
  });

  it('reads only own variables', () => {
    expect(conditionHolds({ var: 'constructor', set: true }, mergeVars({}))).toBe(false);
    expect(conditionHolds({ var: 'toString', eq: '' }, {})).toBe(true);
    const vars = mergeVars(JSON.parse('{"__proto__": "p"}'));
    expect(conditionHolds({ var: '__proto__', eq: 'p' }, vars)).toBe(true);
  });

  it('throws ScenarioError for an invalid pattern in a hand-made agent', () => {
    expect(() => holds({ matches: '(' }, 'x')).toThrow(ScenarioError);
  });
});

describe('caseHolds', () => {
  const vars = mergeVars({ plan: 'gold' });
  const text = { kind: 'text' as const, text: 'yes please' };
  const button = { kind: 'button' as const, id: 'y', text: 'Yes' };

  it('takes a case without conditions for the else', () => {
    expect(caseHolds({ goto: 'b' }, undefined, vars)).toBe(true);
  });

  it('needs every condition of the case', () => {
    const c = { button: ['y'], text: '^yes$', if: [{ var: 'plan', eq: 'gold' }], goto: 'b' };
    expect(caseHolds(c, button, vars)).toBe(true);
    expect(caseHolds(c, { ...button, text: 'Yes!' }, vars)).toBe(false);
    expect(caseHolds(c, { ...button, id: 'n' }, vars)).toBe(false);
    expect(caseHolds(c, button, mergeVars({ plan: 'basic' }))).toBe(false);
    expect(
      caseHolds({ text: 'yes', if: [{ var: 'plan', set: true }], goto: 'b' }, text, vars),
    ).toBe(true);
    expect(
      caseHolds(
        {
          if: [
            { var: 'plan', eq: 'gold' },
            { var: 'plan', eq: 'basic' },
          ],
          goto: 'b',
        },
        text,
        vars,
      ),
    ).toBe(false);
  });

  it('holds button and text only with an input, but if without one', () => {
    expect(caseHolds({ button: ['y'], goto: 'b' }, undefined, vars)).toBe(false);
    expect(caseHolds({ text: '.*', goto: 'b' }, undefined, vars)).toBe(false);
    expect(caseHolds({ if: [{ var: 'plan', eq: 'gold' }], goto: 'b' }, undefined, vars)).toBe(true);
  });

  it('does not match a text input against button ids', () => {
    expect(caseHolds({ button: ['y'], goto: 'b' }, { kind: 'text', text: 'y' }, vars)).toBe(false);
  });
});
