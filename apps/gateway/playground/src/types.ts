// The shapes of the API's answers the page reads (docs/management-api.md is their reference).

export interface AgentSummary {
  id: string;
  version: number;
  trainedAt: string;
  channels: string[];
}

export interface AgentDetail extends AgentSummary {
  source: string;
}

export interface AgentIssue {
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  path: string;
}

export interface TestFailure {
  exchange: number;
  line: number;
  message: string;
  expected?: string;
  actual?: string;
}

export interface TestResult {
  name: string;
  passed: boolean;
  failures: TestFailure[];
}

export interface AgentValidation {
  trainable: boolean;
  errors: AgentIssue[];
  warnings: AgentIssue[];
  tests: TestResult[];
}

export interface Channel {
  id: string;
  name: string;
  agentId: string;
  status: 'active' | 'inactive';
  webhookUrl: string;
  activation?: { activated: boolean; checks: { name: string; ok: boolean; reason: string }[] };
}

export interface Button {
  id: string;
  text: string;
}

export type BotMessage = { type: 'text'; text: string } | { type: 'keyboard'; buttons: Button[][] };

export type WebimMessage =
  { kind: 'operator'; text: string } | { kind: 'keyboard'; buttons: Button[][] };

export type WebimAnswer = { has_answer: false } | { has_answer: true; messages: WebimMessage[] };

export interface Handoff {
  reason: string;
  detail?: string;
}

export type TurnInput =
  | { kind: 'chat_started'; text?: string; vars?: Record<string, string> }
  | { kind: 'text'; text: string }
  | { kind: 'button'; id: string; text: string };

/** What a call or llm step sent and got; secrets as `<secret NAME>`. */
export interface StepRequestTrace {
  step: 'call' | 'llm';
  sent: string;
  headers?: string[];
  body?: string;
  outcome: 'ok' | 'error' | 'timeout';
  status?: number;
  received?: string;
  ms: number;
  later?: boolean;
}

export interface TranscriptEntry {
  at: string;
  turn?: string;
  source: 'webim' | 'timer' | 'event' | 'later';
  name?: string;
  /** A `later` entry's step kind. */
  step?: 'call' | 'llm';
  requests?: StepRequestTrace[];
  data?: Record<string, string>;
  input?: TurnInput;
  messages: BotMessage[];
  delivered?: BotMessage[];
  handoff?: Handoff | null;
  dropped?: number;
}

export interface ChatDetail {
  chatId: string;
  lastActivityAt: string | null;
  transcript: TranscriptEntry[];
  lastHandoff: (Handoff & { turnId: string; at: number }) | null;
}

export interface ChatState {
  conversation: {
    agentId: string;
    agentVersion: number;
    state: {
      status: string;
      branch: string;
      step: number;
      vars: Record<string, string>;
      turns: number;
      pendingHandoff?: string;
    };
  } | null;
  timers: { name: string; agentId: string; dueAt: string }[];
  bufferedMessages: BotMessage[];
  lastHandoff: (Handoff & { turnId: string; at: number }) | null;
  lastTurn: {
    turn: string;
    at: string;
    requests: StepRequestTrace[];
    job: {
      status: string | null;
      waitedMs: number | null;
      ranMs: number | null;
      steps: number | null;
      delivered: number | null;
    } | null;
  } | null;
}
