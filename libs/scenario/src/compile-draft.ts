import type { BranchDraft } from './lint-branch';
import type { AgentTest, LlmDefaults, TimerDeclaration } from './model';

/**
 * What the top-level keys have produced so far. A declaration whose name is valid but whose
 * body has errors is kept as undefined, so references to it do not report a second error.
 */
export interface Draft {
  name?: string;
  start?: string;
  onChatStarted?: string;
  branches: Map<string, BranchDraft>;
  variables: Map<string, string>;
  timers: Map<string, TimerDeclaration | undefined>;
  /** Event name → branch. */
  events: Map<string, string | undefined>;
  tests: AgentTest[];
  llm?: LlmDefaults;
}

export function emptyDraft(): Draft {
  return {
    branches: new Map(),
    variables: new Map(),
    timers: new Map(),
    events: new Map(),
    tests: [],
  };
}
