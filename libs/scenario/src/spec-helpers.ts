// Helpers shared by this library's specs (not part of its API).
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';
import { compileAgent } from './compile-agent';
import { AgentCompileError } from './errors';
import type { AgentIssue } from './model';
import type { AgentTestOptions } from './run-agent-tests';

/**
 * The specs compile and test agents for Webim, whose variables the scenario language's
 * documentation shows: the library itself is given a channel's variables and names none.
 */
export const WEBIM: AgentTestOptions = { channel: WEBIM_CHANNEL_VARIABLES };

/** A YAML document from lines, so that specs can point at line numbers. */
export const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** The issues of a source that must fail to compile. */
export function issuesOf(source: string): AgentIssue[] {
  try {
    compileAgent(source, WEBIM);
  } catch (error) {
    if (error instanceof AgentCompileError) return error.issues;
    throw error;
  }
  throw new Error('expected AgentCompileError');
}

/** The only error of `source`, which must be at `path`. */
export function onlyError(source: string, path: string): AgentIssue {
  const errors = issuesOf(source).filter((i) => i.severity === 'error');
  expect(errors.map((e) => e.path)).toEqual([path]);
  return errors[0];
}
