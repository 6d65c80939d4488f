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
  | { kind: 'cancel_timer'; timer: string }
  | CallStep
  | LlmStep;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a step that awaits I/O ended: `ok`, `error` or `timeout`. */
export type OutcomeName = 'ok' | 'error' | 'timeout';

/**
 * Text in which secrets appear by name only: the executor joins the parts, resolving each
 * `{ secret }` where it sends the request. Rendered variables are always plain parts, so a
 * visitor's text can never name a secret.
 */
export type SecretText = Array<string | { secret: string }>;

/** A JSON body whose strings are templates (keys are literal). */
export type JsonTemplate =
  string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };

/** What a step that awaits I/O shares: deadline, outcome branches, "answer now, finish later". */
export interface AwaitingStep {
  /** The author's deadline; absent: the executor's own limit for the turn. */
  timeoutMs?: number;
  /** The branch of each outcome; `ok` absent: the next step; `error`/`timeout` absent: hand-off. */
  on: Partial<Record<OutcomeName, string>>;
  /** `then: later`: the answer so far is sent at once and the rest runs after the request. */
  detach: boolean;
}

/** An HTTP request to the business's backend. Strings are templates; secrets by name only. */
export interface CallStep extends AwaitingStep {
  kind: 'call';
  method: HttpMethod;
  url: SecretText;
  headers: Array<{ name: string; value: SecretText }>;
  body?: { type: 'json'; value: JsonTemplate } | { type: 'form'; value: Record<string, string> };
  /** Variable → what it takes: `status`, `body` or `body.<path>` (see json-path.ts). */
  save: Record<string, string>;
}

/** An OpenAI-compatible Chat Completions request. */
export interface LlmStep extends AwaitingStep {
  kind: 'llm';
  mode: 'reply' | 'classify';
  prompt: string;
  system?: string;
  /** How many of the conversation's recent messages go with the prompt. */
  history: number;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** classify: the labels the model picks from, the one taken for any other answer, the variable. */
  labels?: string[];
  fallback?: string;
  save?: string;
}

/** The agent's `llm:` block: defaults of its llm steps and where the provider is. */
export interface LlmDefaults {
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** The provider's base URL; absent: the deployment's. */
  url?: string;
  /** The secret holding the provider's key; absent: the deployment's key. */
  bearerSecret?: string;
}

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
  /** What each call or llm step awaited in this exchange returns, in order. */
  returns?: TestReturn[];
  /** 1-based line of the exchange in the source, for reports. */
  line: number;
}

/** A stubbed outcome of a call or llm step in a test. `delayMs` past the step's timeout: timeout. */
export type TestReturn =
  | { kind: 'response'; status: number; json?: unknown; delayMs?: number }
  | { kind: 'text'; text: string; delayMs?: number }
  | { kind: 'error'; message: string }
  | { kind: 'timeout' };

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
  /** The `llm:` block; absent when the agent has none. */
  llm?: LlmDefaults;
  /** The most messages any llm step reads back; absent (0): the conversation keeps no history. */
  historyLimit?: number;
}

/** Where a conversation is, stored between turns (JSON in Redis). */
export interface ConversationState {
  v: 1;
  /**
   * `waiting`: stopped at the `wait` step at branch/step. `ended`/`handed_off`: the script is
   * over. `awaiting`: stopped at a call or llm step for its outcome (only inside a suspension).
   */
  status: 'waiting' | 'ended' | 'handed_off' | 'awaiting';
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
  /** Recent messages, oldest first, kept only for agents whose llm steps read them back. */
  history?: HistoryEntry[];
  /**
   * Set while the request of a `then: later` step is out (status `awaiting`): the id of the
   * turn that finishes the branch when it comes back, and the epoch ms after which it counts as
   * lost. The executor sets it; the interpreter only keeps it.
   */
  later?: { id: string; until: number };
  /**
   * The visitor's input that no `wait` has taken yet, kept while a `then: later` request is
   * out: the rest of the branch takes it. Texts that came meanwhile are joined by new lines.
   */
  pending?: VisitorInput;
}

/** What the visitor sent, as a wait consumes it and routes match it. */
export type VisitorInput =
  { kind: 'text'; text: string } | { kind: 'button'; id: string; text: string };

export interface HistoryEntry {
  from: 'visitor' | 'bot';
  text: string;
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
  /**
   * Set when the turn stopped at a call or llm step: the request to make, and what
   * `resumeTurn` needs to go on with its outcome. `state` is then positioned at the step
   * (status `awaiting`) and messages, effects and pauseMs are those of the turn so far.
   */
  await?: { request: IoRequest; resume: Suspension };
}

/** A request for I/O, rendered; secrets by name only. Nothing in it has been sent. */
export type IoRequest = CallRequest | LlmRequest;

export interface IoRequestBase {
  /** The author's deadline; absent: the executor's limit for the turn. */
  timeoutMs?: number;
  /** `then: later`: commit what was said so far as the answer and finish the turn afterwards. */
  detach: boolean;
  /** The names of the secrets the request refers to, each once. */
  secrets: string[];
}

export interface CallRequest extends IoRequestBase {
  kind: 'call';
  method: HttpMethod;
  url: SecretText;
  headers: Array<{ name: string; value: SecretText }>;
  body?: { type: 'json'; value: unknown } | { type: 'form'; value: Record<string, string> };
}

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest extends IoRequestBase {
  kind: 'llm';
  mode: 'reply' | 'classify';
  messages: LlmMessage[];
  labels?: string[];
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** The provider's base URL; absent: the deployment's. */
  url?: string;
  /** `Authorization: Bearer <secret>`; absent: the deployment's key. */
  bearerSecret?: string;
}

/**
 * How a request ended, as the executor tells `resumeTurn`. A call's `response` with a 2xx
 * status is the `ok` outcome (its body parsed as JSON, or undefined when it is not JSON), any
 * other status is `error`; an llm request's `text` is the model's answer, untrusted.
 */
export type IoOutcome =
  | { kind: 'response'; status: number; body?: unknown }
  | { kind: 'text'; text: string; usage?: LlmUsage }
  | { kind: 'error'; message?: string }
  | { kind: 'timeout' };

/** What a model's answer cost, as its provider counted it: for metrics, never for a scenario. */
export interface LlmUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** Everything a suspended turn needs to go on: plain JSON, opaque to the executor. */
export interface Suspension {
  /** The conversation, positioned at the awaiting step. */
  state: ConversationState;
  /** Steps run so far across the turn's segments, for the step limit. */
  steps: number;
  messages: BotMessage[];
  effects: TurnEffect[];
  pauseMs: number;
  /** The visitor's input the turn consumed, for the `route` steps still to come. */
  input?: VisitorInput;
  /** The visitor's input no `wait` has consumed yet. */
  pending?: VisitorInput;
  /** Where a hand-off reached from here must wait for the visitor (a proactive turn). */
  deferHandoffTo?: { branch: string; step: number };
  restarted?: { from: string };
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
