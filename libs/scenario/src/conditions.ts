import { ScenarioError } from './errors';
import type { RouteCase, VarCondition, VisitorInput } from './model';
import { PatternRefused, patternMatches } from './patterns';
import type { Vars } from './vars';

/** Told what each pattern match may have cost (see patternMatches), to bound a turn's work. */
export type ChargeMatch = (cost: number) => void;

const FREE: ChargeMatch = () => undefined;

/**
 * Whether a route case holds: every condition it has must (a case without any is the else).
 * `button` and `text` need an input consumed in this turn; `if` looks only at the variables.
 */
export function caseHolds(
  c: RouteCase,
  input: VisitorInput | undefined,
  vars: Vars,
  charge: ChargeMatch = FREE,
): boolean {
  if (c.button !== undefined) {
    const ids: unknown = c.button;
    if (input?.kind !== 'button' || !Array.isArray(ids) || !ids.includes(input.id)) return false;
  }
  if (c.text !== undefined && (!input || !pattern(String(c.text), input.text, charge)))
    return false;
  if (c.if !== undefined) {
    const tests: unknown = c.if;
    if (
      !Array.isArray(tests) ||
      !tests.every((test: VarCondition) => conditionHolds(test, vars, charge))
    )
      return false;
  }
  return true;
}

type Operator = Exclude<keyof VarCondition, 'var'>;

/** One test per operator; adding one to VarCondition fails to type-check until it is here. */
const TESTS: {
  readonly [K in Operator]-?: (value: string, operand: unknown, charge: ChargeMatch) => boolean;
} = {
  eq: (value, operand) => equal(value, String(operand)),
  ne: (value, operand) => !equal(value, String(operand)),
  lt: (value, operand) => compare(value, operand, (a, b) => a < b),
  lte: (value, operand) => compare(value, operand, (a, b) => a <= b),
  gt: (value, operand) => compare(value, operand, (a, b) => a > b),
  gte: (value, operand) => compare(value, operand, (a, b) => a >= b),
  contains: (value, operand) => value.toLowerCase().includes(String(operand).toLowerCase()),
  matches: (value, operand, charge) => pattern(String(operand), value, charge),
  set: (value, operand) => (value !== '') === (operand === true),
};
const OPERATORS = Object.keys(TESTS) as Operator[];

/** An unset variable reads as ''. Only own properties count, as in templates. */
export function conditionHolds(
  test: VarCondition,
  vars: Vars,
  charge: ChargeMatch = FREE,
): boolean {
  if (typeof test !== 'object' || test === null) return false;
  const name = String(test.var);
  const value = Object.hasOwn(vars, name) ? String(vars[name] ?? '') : '';
  return OPERATORS.every((op) => test[op] === undefined || TESTS[op](value, test[op], charge));
}

// Decimal numbers as people write them: 3, -2, 0.5, .5, 1e3; not "", "0x10" or "Infinity".
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

function toNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : undefined;
}

/** As numbers when both sides are numbers ("007" equals "7"), else as exact text. */
function equal(value: string, operand: string): boolean {
  const a = toNumber(value);
  const b = toNumber(operand);
  return a !== undefined && b !== undefined ? a === b : value === operand;
}

function compare(value: string, operand: unknown, holds: (a: number, b: number) => boolean) {
  const a = toNumber(value);
  const b = typeof operand === 'number' ? operand : toNumber(String(operand));
  return a !== undefined && b !== undefined && Number.isFinite(b) && holds(a, b);
}

function pattern(source: string, text: string, charge: ChargeMatch): boolean {
  try {
    return patternMatches(source, text, charge);
  } catch (error) {
    if (!(error instanceof PatternRefused)) throw error;
    throw new ScenarioError('invalid_agent', `invalid pattern: ${error.message}`);
  }
}
