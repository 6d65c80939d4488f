import { isBuiltInVariable } from './channel-variables';
import type { CompileContext } from './compile-context';
import type { Draft } from './compile-draft';
import type { BranchDraft } from './lint-branch';

/** A warning-level check over the whole agent, run once everything is compiled. */
type AgentLint = (draft: Draft, ctx: CompileContext) => void;

/**
 * A timer or an event runs its branch while nobody waits for an answer (a proactive turn), and
 * v1 can only hand a chat off in an answer: the engine keeps the hand-off for the chat's next
 * request. Authors rarely mean that, so say so where the hand-off is.
 */
const proactiveHandoff: AgentLint = (draft, ctx) => {
  const sources = [
    ...[...draft.timers].map(([name, timer]) => ({
      what: `timer "${name}"`,
      branch: timer?.branch,
    })),
    ...[...draft.events].map(([name, branch]) => ({ what: `event "${name}"`, branch })),
  ];
  const reported = new Set<string>();
  for (const { what, branch } of sources) {
    if (branch === undefined) continue;
    for (const step of reachableHandoffs(draft.branches, branch)) {
      if (reported.has(step.path)) continue;
      reported.add(step.path);
      ctx.warning(
        step.node,
        step.path,
        `${what} can reach this hand-off before the visitor answers: in v1 a hand-off can only answer a visitor; it is deferred to the chat's next request and the messages before it are not shown. Ask the visitor and wait for the answer before handing off`,
      );
    }
  }
};

/**
 * The `handoff` steps a proactive turn starting at `start` can run: it follows `goto`, the
 * outcomes of call and llm steps and the route cases that can hold without input (no button,
 * no text) until a `wait` stops it.
 */
function reachableHandoffs(branches: ReadonlyMap<string, BranchDraft>, start: string) {
  const found: BranchDraft['steps'] = [];
  const queue = [start];
  const seen = new Set(queue);
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    queue.push(name);
  };
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const entry of branches.get(name)?.steps ?? []) {
      const step = entry.step;
      if (!step || step.kind === 'wait' || step.kind === 'end') break;
      if (step.kind === 'handoff') {
        found.push(entry);
        break;
      }
      if (step.kind === 'goto') {
        visit(step.branch);
        break;
      }
      // Each outcome of a call or llm step leads on without the visitor.
      if (step.kind === 'call' || step.kind === 'llm') Object.values(step.on).forEach(visit);
      if (step.kind !== 'route') continue;
      const withoutInput = step.cases.filter((c) => c.button === undefined && c.text === undefined);
      withoutInput.forEach((c) => visit(c.goto));
      if (withoutInput.some((c) => c.if === undefined)) break;
    }
  }
  return found;
}

/** A template or condition naming a variable nothing sets is most likely a typo. */
const unknownVariables: AgentLint = (_draft, ctx) => {
  for (const { name, node, path } of ctx.varUses) {
    if (ctx.definedVars.has(name) || isBuiltInVariable(name, ctx.channel)) continue;
    ctx.warning(
      node,
      path,
      `unknown variable ${name} renders as empty; no variables:, set or wait: { save } gives it a value and it is not a channel variable; check the spelling or declare it under variables:`,
    );
  }
};

const AGENT_LINTS: readonly AgentLint[] = [proactiveHandoff, unknownVariables];

export function lintAgent(draft: Draft, ctx: CompileContext): void {
  for (const lint of AGENT_LINTS) lint(draft, ctx);
}
