import { compileAgent } from './compile-agent';
import { AgentCompileError } from './errors';
import type { AgentIssue, CompiledAgent } from './model';
import { runAgentTests } from './run-agent-tests';
import type { AgentTestOptions, AgentTestResult } from './run-agent-tests';

/** What training an agent found: whether it may be published, and why not. */
export interface TrainingReport {
  /** Compiled without errors and every test passed. */
  trained: boolean;
  /** The compiled agent, when it compiled (even if a test failed). */
  agent?: CompiledAgent;
  errors: AgentIssue[];
  warnings: AgentIssue[];
  /** Test results; empty when the agent did not compile. */
  tests: AgentTestResult[];
}

/**
 * Compiles an agent's source and runs its tests. Never throws for a bad source: syntax and
 * compile errors, and turns that fail, all end up in the report.
 */
export function trainAgent(source: string, opts: AgentTestOptions): TrainingReport {
  if (typeof source !== 'string') {
    const issue: AgentIssue = {
      severity: 'error',
      message: 'the agent source is not text; pass the YAML file as a string',
      line: 1,
      column: 1,
      path: '',
    };
    return { trained: false, errors: [issue], warnings: [], tests: [] };
  }
  let compiled: ReturnType<typeof compileAgent>;
  try {
    compiled = compileAgent(source, opts);
  } catch (error) {
    if (!(error instanceof AgentCompileError)) throw error;
    return {
      trained: false,
      errors: error.issues.filter((issue) => issue.severity === 'error'),
      warnings: error.issues.filter((issue) => issue.severity === 'warning'),
      tests: [],
    };
  }
  const tests = runAgentTests(compiled.agent, opts);
  return {
    trained: tests.every((test) => test.passed),
    agent: compiled.agent,
    errors: [],
    warnings: compiled.warnings,
    tests,
  };
}
