import type { Node } from 'yaml';
import type { CompileContext } from './compile-context';
import { isElseCase } from './compile-route';
import type { Step } from './model';

/** A compiled branch with where each step came from; `step` is undefined if it failed to compile. */
export interface BranchDraft {
  name: string;
  path: string;
  steps: Array<{ step: Step | undefined; node: Node | null; path: string }>;
}

/** A warning-level check over one branch. Add new ones to BRANCH_LINTS. */
type BranchLint = (branch: BranchDraft, ctx: CompileContext) => void;

/** Steps after which nothing in the same branch can run. */
function leavesBranch(step: Step): boolean {
  if (step.kind === 'goto' || step.kind === 'handoff' || step.kind === 'end') return true;
  // A route with an else case always jumps somewhere.
  return step.kind === 'route' && step.cases.some(isElseCase);
}

const unreachableSteps: BranchLint = (branch, ctx) => {
  const exit = branch.steps.findIndex(({ step }) => step !== undefined && leavesBranch(step));
  const next = branch.steps[exit + 1];
  if (exit < 0 || !next) return;
  const kind = branch.steps[exit].step?.kind ?? 'step';
  const from =
    kind === 'route'
      ? 'the route before it always jumps (it has an else case)'
      : `the ${kind} at ${branch.steps[exit].path} always leaves the branch`;
  ctx.warning(
    next.node,
    next.path,
    `this step and the ones after it never run: ${from}; remove or move them`,
  );
};

const keyboardWithoutWait: BranchLint = (branch, ctx) => {
  branch.steps.forEach(({ step, node, path }, i) => {
    if (step?.kind !== 'buttons') return;
    if (branch.steps.slice(i + 1).some((later) => later.step?.kind === 'wait')) return;
    ctx.warning(
      node,
      path,
      'the keyboard is sent but this branch never waits for the answer; add - wait: {} after it (and usually a route)',
    );
  });
};

const BRANCH_LINTS: readonly BranchLint[] = [unreachableSteps, keyboardWithoutWait];

export function lintBranch(branch: BranchDraft, ctx: CompileContext): void {
  for (const lint of BRANCH_LINTS) lint(branch, ctx);
}
