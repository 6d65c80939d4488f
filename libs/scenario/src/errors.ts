import type { AgentIssue } from './model';

/**
 * Why a turn could not run. Stable codes so the worker can count and alert on them.
 * `unknown_event`: a timer or event input names nothing the agent declares (it was changed).
 */
export type ScenarioErrorCode = 'step_limit' | 'unknown_branch' | 'unknown_event' | 'invalid_agent';

/**
 * A turn failed at runtime. The conversation state passed to `runTurn` is untouched, so the
 * caller decides whether to keep it, reset it or hand the chat to a person.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';

  constructor(
    readonly code: ScenarioErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Summaries list this many issues; the full list is always on `issues`. */
const SUMMARY_LIMIT = 10;

/** The agent's source has errors. `issues` holds every error and warning, ordered by position. */
export class AgentCompileError extends Error {
  override readonly name = 'AgentCompileError';

  constructor(readonly issues: AgentIssue[]) {
    super(summarise(issues));
  }
}

function summarise(issues: AgentIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const lines = errors
    .slice(0, SUMMARY_LIMIT)
    .map(
      (issue) => `  ${issue.line}:${issue.column} ${issue.path || '(document)'}: ${issue.message}`,
    );
  if (errors.length > SUMMARY_LIMIT) lines.push(`  ...and ${errors.length - SUMMARY_LIMIT} more`);
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  return [`The agent has ${count}:`, ...lines].join('\n');
}
