// The scenario engine's contract. Everything here is plain data so that a conversation state
// can be stored as JSON in Redis and a compiled agent can be cached by any worker.

/** A button of a keyboard. Webim echoes `id` back in a keyboard_response. */
export interface Button {
  id: string;
  text: string;
}

/** What the bot says, independent of any channel's wire format. */
export type BotMessage = { type: 'text'; text: string } | { type: 'keyboard'; buttons: Button[][] };

/**
 * A test on a variable. Every operator present must hold. `eq`/`ne` compare as numbers when
 * both sides are numbers, else as strings; `lt`/`lte`/`gt`/`gte` hold only for numbers;
 * `contains` is case-insensitive; `matches` is a pattern (see patterns.ts: JavaScript syntax, run by RE2); `set: true`
 * holds when the variable is set and not empty, `set: false` when it is not.
 */
export interface VarCondition {
  var: string;
  eq?: string;
  ne?: string;
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
  contains?: string;
  matches?: string;
  set?: boolean;
}

/**
 * One case of a `route` step. It matches when every condition it has holds; a case with no
 * condition always matches (the "else").
 */
export interface RouteCase {
  /** Holds for a keyboard_response whose button id is one of these. */
  button?: string[];
  /** Holds when the visitor's text (or a pressed button's text) matches: case-insensitive, Unicode. */
  text?: string;
  /** Holds when every test on variables holds. */
  if?: VarCondition[];
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
  | { kind: 'pause'; ms: number }
  /** An attachment, sent as a text link: "<name>: <url>" (v1 cannot send files). */
  | { kind: 'file'; url: string; name: string }
  | { kind: 'start_timer'; timer: string }
  | { kind: 'cancel_timer'; timer: string };

/** A named timer: `afterMs` after `start_timer`, the conversation runs `branch`. */
export interface TimerDeclaration {
  afterMs: number;
  branch: string;
  /** The visitor's next message cancels it (default true). */
  cancelOnMessage: boolean;
}

/** What a conversation test sends, as one exchange of a `tests:` conversation. */
export type TestInput =
  | { kind: 'new_chat'; vars: Record<string, string>; text?: string }
  | { kind: 'say'; text: string }
  | { kind: 'press'; id: string }
  | { kind: 'timer'; name: string }
  | { kind: 'event'; name: string; data: Record<string, string> };

/** An expected bot message: exact text, or a keyboard by its rows of button ids. */
export type ExpectedMessage = { text: string } | { buttons: string[][] };

export interface TestExchange {
  input: TestInput;
  /** Expected messages, in order; undefined: not checked. */
  bot?: ExpectedMessage[];
  /** Expected hand-off: true (any reason) or the reason; false: must not hand off. */
  handoff?: boolean | string;
  /** 1-based line of the exchange in the source, for reports. */
  line: number;
}

export interface AgentTest {
  name: string;
  exchanges: TestExchange[];
}

/** A validated agent, ready to run. Produced by `compileAgent` from the YAML source. */
export interface CompiledAgent {
  /** The agent's display name from the source (`name:`), or undefined. */
  name?: string;
  start: string;
  /** Branch run on a `new_chat` without pre-chat messages, before `start`; only sets variables. */
  onChatStarted?: string;
  branches: Record<string, Step[]>;
  /** Initial values of the agent's own variables (`variables:`). */
  variables: Record<string, string>;
  timers: Record<string, TimerDeclaration>;
  /** Incoming request names (`events:`) and the branch each starts. */
  events: Record<string, string>;
  tests: AgentTest[];
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
  /**
   * A hand-off reached in a proactive turn (timer, event): v1 can only hand off in an answer,
   * so the chat's next request is answered with it. Holds the hand-off's reason.
   */
  pendingHandoff?: string;
}

/** One request from the channel, already mapped from the wire format. */
export type TurnInput =
  /** A chat was assigned to the bot. `text` is the visitor's pre-chat messages combined, if any. */
  | { kind: 'chat_started'; vars: Record<string, string>; text?: string }
  /** The visitor wrote text. `vars` are channel variables present in this request. */
  | { kind: 'text'; text: string; vars: Record<string, string> }
  /** The visitor pressed a button. */
  | { kind: 'button'; id: string; text: string; vars: Record<string, string> }
  /** A timer of the agent fired (proactive: nobody waits for the answer). */
  | { kind: 'timer'; name: string }
  /** An incoming request of the agent's `events:`; `data` becomes `event_<key>` variables. */
  | { kind: 'event'; name: string; data: Record<string, string> };

/** What the I/O layer must do after a turn, beyond answering. */
export type TurnEffect =
  { type: 'start_timer'; name: string; delayMs: number } | { type: 'cancel_timer'; name: string };

export interface TurnResult {
  state: ConversationState;
  messages: BotMessage[];
  /** Set when the scenario reached a `handoff` step: the chat goes to a human operator. */
  handoff: { reason: string } | null;
  /** Sum of `pause` steps executed in this turn; the worker waits this long before answering. */
  pauseMs: number;
  /** Steps executed in this turn (for the step limit and metrics). */
  steps: number;
  effects: TurnEffect[];
  /** Set when the stored position no longer existed in the agent and the conversation restarted. */
  restarted?: { from: string };
  /** Set for a proactive input the conversation cannot take (none, ended, handed off): nothing ran. */
  ignored?: boolean;
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
