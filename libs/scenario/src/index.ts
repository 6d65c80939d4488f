export type * from './model';
export { compileAgent } from './compile-agent';
export { runTurn } from './run-turn';
export { renderTemplate } from './template';
export { AgentCompileError, ScenarioError } from './errors';
export type { ScenarioErrorCode } from './errors';
