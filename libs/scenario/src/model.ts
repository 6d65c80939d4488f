// The scenario engine's contract. Everything here is plain data so that a conversation state
// can be stored as JSON in Redis and a compiled agent can be cached by any worker.

/** A button of a keyboard. Webim echoes `id` back in a keyboard_response. */
export interface Button {
  id: string;
  text: string;
}

/** What the bot says, independent of any channel's wire format. */
export type BotMessage = { type: 'text'; text: string } | { type: 'keyboard'; buttons: Button[][] };

/** One case of a `route` step. A case with no condition always matches (the "else"). */
export interface RouteCase {
  /** Matches a keyboard_response whose button id is one of these. */
  button?: string[];
  /** Matches visitor text (or a pressed button's text) against this pattern: case-insensitive, Unicode. */
  text?: string;
  goto: string;
}

export type Step =
  | { kind: 'say'; text: string }
  | { kind: 'buttons'; rows: Button[][] }
  | { kind: 'wait'; save?: string }
  | { kind: 'route'; cases: RouteCase[] }
  | { kind: 'set'; values: Record<string, string> }
  | { kind: 'goto'; branch: string }
  | { kind: 'handoff'; reason: string }
  | { kind: 'end' }
  | { kind: 'pause'; ms: number };

/** A validated agent, ready to run. Produced by `compileAgent` from the YAML source. */
export interface CompiledAgent {
  /** The agent's display name from the source (`name:`), or undefined. */
  name?: string;
  start: string;
  /** Branch run on a `new_chat` without pre-chat messages, before `start`; only sets variables. */
  onChatStarted?: string;
  branches: Record<string, Step[]>;
}

/** Where a conversation is, stored between turns (JSON in Redis). */
export interface ConversationState {
  v: 1;
  /** `waiting`: stopped at the `wait` step at branch/step. `ended`/`handed_off`: the script is over. */
  status: 'waiting' | 'ended' | 'handed_off';
  branch: string;
  step: number;
  vars: Record<string, string>;
  /** Number of turns this conversation has run. */
  turns: number;
}

/** One request from the channel, already mapped from the wire format. */
export type TurnInput =
  /** A chat was assigned to the bot. `text` is the visitor's pre-chat messages combined, if any. */
  | { kind: 'chat_started'; vars: Record<string, string>; text?: string }
  /** The visitor wrote text. `vars` are channel variables present in this request. */
  | { kind: 'text'; text: string; vars: Record<string, string> }
  /** The visitor pressed a button. */
  | { kind: 'button'; id: string; text: string; vars: Record<string, string> };

export interface TurnResult {
  state: ConversationState;
  messages: BotMessage[];
  /** Set when the scenario reached a `handoff` step: the chat goes to a human operator. */
  handoff: { reason: string } | null;
  /** Sum of `pause` steps executed in this turn; the worker waits this long before answering. */
  pauseMs: number;
  /** Steps executed in this turn (for the step limit and metrics). */
  steps: number;
}

export interface RunOptions {
  /** A turn that executes more steps than this fails with ScenarioError (a loop in the script). */
  maxSteps: number;
}

/** A problem in an agent's source, located for its author. Lines and columns are 1-based. */
export interface AgentIssue {
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  /** Path inside the document, e.g. `branches.welcome[2].route[0].goto`. */
  path: string;
}
