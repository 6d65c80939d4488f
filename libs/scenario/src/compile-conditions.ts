import { isMap, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { indexPath } from './compile-context';
import type { CompileContext, Entry } from './compile-context';
import { readBoolean, readNumber, readPattern, readScalar, readVarName } from './compile-values';
import type { VarCondition } from './model';

type Operator = Exclude<keyof VarCondition, 'var'>;

/** Reads one operator's value; reports and returns undefined when it does not fit. */
type OperatorReader = (entry: Entry, ctx: CompileContext) => VarCondition[Operator];

const compared: OperatorReader = ({ value, path }, ctx) =>
  readScalar(ctx, value, path, 'compare with a string, number or boolean, e.g. eq: gold');

const bound: OperatorReader = ({ value, path }, ctx) =>
  readNumber(ctx, value, path, 'these operators compare numbers, e.g. gte: 3');

/** One reader per operator; adding one to VarCondition fails to type-check until it is here. */
const OPERATORS: { readonly [K in Operator]-?: OperatorReader } = {
  eq: compared,
  ne: compared,
  lt: bound,
  lte: bound,
  gt: bound,
  gte: bound,
  contains: ({ value, path }, ctx) => {
    const text = readScalar(ctx, value, path, 'write the text to look for, e.g. contains: urgent');
    if (text === '') ctx.error(value, path, 'the text is empty; write the text to look for');
    return text === '' ? undefined : text;
  },
  matches: ({ value, path }, ctx) =>
    readPattern(ctx, value, path, "write a regular expression, e.g. matches: '^\\d{6}$'"),
  set: ({ value, path }, ctx) =>
    readBoolean(ctx, value, path, 'write set: true (set and not empty) or set: false'),
};

const OPERATOR_NAMES = Object.keys(OPERATORS) as Operator[];
const EXAMPLE = '{ var: tries, gte: 3 }';

/** `if:` of a route case: one test on a variable, or a list of them that must all hold. */
export function compileIf({ value, path }: Entry, ctx: CompileContext): VarCondition[] | undefined {
  if (!isSeq(value)) {
    const condition = compileCondition(value, path, ctx);
    return condition && [condition];
  }
  if (value.items.length === 0) {
    ctx.error(value, path, `the list of conditions is empty; write at least one, e.g. ${EXAMPLE}`);
    return undefined;
  }
  const out: VarCondition[] = [];
  let ok = true;
  value.items.forEach((item, i) => {
    const at = indexPath(path, i);
    const condition = compileCondition(ctx.deref(item, at), at, ctx);
    if (condition) out.push(condition);
    else ok = false;
  });
  return ok ? out : undefined;
}

function compileCondition(
  node: Node | null,
  path: string,
  ctx: CompileContext,
): VarCondition | undefined {
  const fields = ctx.fields(
    node,
    path,
    ['var', ...OPERATOR_NAMES],
    `a test on a variable, e.g. ${EXAMPLE}, or a list of them`,
  );
  if (!fields) return undefined;
  const target = fields.get('var');
  if (!target) {
    ctx.error(node, path, `the condition names no variable; add var: <name>, e.g. ${EXAMPLE}`);
    return undefined;
  }
  const name = readVarName(ctx, target.value, target.path);
  const operators = OPERATOR_NAMES.filter((op) => fields.has(op));
  // An unknown key was reported already, and it was most likely the test, misspelt.
  const misspelt = isMap(node) && node.items.length > fields.size;
  if (operators.length === 0 && !misspelt) {
    ctx.error(
      node,
      path,
      `the condition on "${name ?? target.key}" tests nothing; add one of ${OPERATOR_NAMES.join(', ')}, e.g. ${EXAMPLE}`,
    );
    return undefined;
  }
  if (name === undefined || operators.length === 0) return undefined;
  ctx.useVar(target.value, target.path, name);
  const out: VarCondition = { var: name };
  let ok = true;
  for (const op of operators) {
    const value = OPERATORS[op](fields.get(op) as Entry, ctx);
    if (value === undefined) ok = false;
    else (out as unknown as Record<string, unknown>)[op] = value;
  }
  return ok ? out : undefined;
}
