// What the interpreter does at a call or llm step: render the request (secrets by name only),
// and, given the outcome, save variables, say the model's reply and choose where to go on.
import { asVariable, parsePath, readPath } from './json-path';
import { markdownToText } from './markdown';
import type {
  CallStep,
  HistoryEntry,
  IoOutcome,
  IoRequest,
  JsonTemplate,
  LlmMessage,
  LlmStep,
  OutcomeName,
} from './model';
import type { Flow, Turn } from './run-turn';
import { renderSecretText, secretNames } from './secret-text';
import { renderTemplate } from './template';
import type { Vars } from './vars';

/** A model's reply is said in one message of at most this many characters. */
export const MAX_LLM_REPLY_CHARS = 1_000;
/** A message kept in the history is cut to this many characters. */
export const MAX_HISTORY_CHARS = 1_000;

export function requestOf(step: CallStep | LlmStep, turn: Turn): IoRequest {
  return step.kind === 'call' ? callRequest(step, turn.vars) : llmRequest(step, turn);
}

function callRequest(step: CallStep, vars: Vars): IoRequest {
  const url = renderSecretText(step.url, vars);
  const headers = step.headers.map(({ name, value }) => ({
    name,
    value: renderSecretText(value, vars),
  }));
  const request: IoRequest = {
    kind: 'call',
    method: step.method,
    url,
    headers,
    detach: step.detach,
    secrets: secretNames([url, ...headers.map((header) => header.value)]),
  };
  if (step.timeoutMs !== undefined) request.timeoutMs = step.timeoutMs;
  if (step.body?.type === 'json')
    request.body = { type: 'json', value: renderJson(step.body.value, vars) };
  if (step.body?.type === 'form') {
    const form: Record<string, string> = {};
    for (const key of Object.keys(step.body.value))
      form[key] = renderTemplate(String(step.body.value[key]), vars);
    request.body = { type: 'form', value: form };
  }
  return request;
}

function renderJson(value: JsonTemplate, vars: Vars): unknown {
  if (typeof value === 'string') return renderTemplate(value, vars);
  if (Array.isArray(value)) return value.map((item) => renderJson(item, vars));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = renderJson(value[key], vars);
  return out;
}

function llmRequest(step: LlmStep, turn: Turn): IoRequest {
  const defaults = turn.agent.llm ?? {};
  const messages: LlmMessage[] = [];
  if (step.system !== undefined)
    messages.push({ role: 'system', content: renderTemplate(step.system, turn.vars) });
  const history = step.history > 0 ? (turn.history ?? []).slice(-step.history) : [];
  for (const entry of history)
    messages.push({ role: entry.from === 'visitor' ? 'user' : 'assistant', content: entry.text });
  messages.push({ role: 'user', content: renderTemplate(step.prompt, turn.vars) });
  const request: IoRequest = {
    kind: 'llm',
    mode: step.mode,
    messages,
    detach: step.detach,
    secrets: defaults.bearerSecret === undefined ? [] : [defaults.bearerSecret],
  };
  if (step.labels) request.labels = [...step.labels];
  const model = step.model ?? defaults.model;
  const temperature = step.temperature ?? defaults.temperature;
  const maxTokens = step.maxTokens ?? defaults.maxTokens;
  if (model !== undefined) request.model = model;
  if (temperature !== undefined) request.temperature = temperature;
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  if (defaults.url !== undefined) request.url = defaults.url;
  if (defaults.bearerSecret !== undefined) request.bearerSecret = defaults.bearerSecret;
  if (step.timeoutMs !== undefined) request.timeoutMs = step.timeoutMs;
  return request;
}

/**
 * The outcome a request ended with, as a call step routes on it: a response with a 2xx status
 * or a model's text is `ok`. (A classifying llm step may still find no label in the text.)
 */
export function outcomeName(outcome: IoOutcome): OutcomeName {
  const kind: unknown = outcome?.kind;
  if (kind === 'timeout') return 'timeout';
  if (kind === 'text') return 'ok';
  if (kind !== 'response') return 'error';
  const status = Number((outcome as Extract<IoOutcome, { kind: 'response' }>).status);
  return Number.isInteger(status) && status >= 200 && status < 300 ? 'ok' : 'error';
}

/** Saves what the outcome brings and says where the turn goes on. */
export function applyOutcome(step: CallStep | LlmStep, outcome: IoOutcome, turn: Turn): Flow {
  const name =
    step.kind === 'call' ? callOutcome(step, outcome, turn) : llmOutcome(step, outcome, turn);
  const branch = step.on[name];
  if (branch !== undefined) return { to: 'branch', branch };
  if (name === 'ok') return { to: 'next' };
  turn.handoff = { reason: `${step.kind}_${name === 'timeout' ? 'timeout' : 'failed'}` };
  return { to: 'stop', status: 'handed_off' };
}

function callOutcome(step: CallStep, outcome: IoOutcome, turn: Turn): OutcomeName {
  const kind: unknown = outcome?.kind;
  const response =
    kind === 'response' ? (outcome as Extract<IoOutcome, { kind: 'response' }>) : undefined;
  // Saved variables never keep a value from an earlier call that did not answer this time.
  for (const name of Object.keys(step.save)) {
    const source = step.save[name];
    if (!response) turn.vars[name] = '';
    else if (source === 'status') turn.vars[name] = String(response.status);
    else turn.vars[name] = asVariable(readPath(response.body, (parsePath(source) ?? []).slice(1)));
  }
  // A call's only answer is a response: anything else but a timeout is its error.
  return response || kind === 'timeout' ? outcomeName(outcome) : 'error';
}

// The model's text is untrusted: it is said or compared as it is, never rendered as a
// template, never parsed as a step.
function llmOutcome(step: LlmStep, outcome: IoOutcome, turn: Turn): OutcomeName {
  if (outcome?.kind === 'timeout') return 'timeout';
  if (outcome?.kind !== 'text' || typeof outcome.text !== 'string') return 'error';
  if (step.mode === 'classify') {
    const label = pickLabel(step.labels ?? [], outcome.text) ?? step.fallback;
    if (label === undefined || step.save === undefined) return 'error';
    turn.vars[step.save] = label;
    return 'ok';
  }
  const text = markdownToText(outcome.text).slice(0, MAX_LLM_REPLY_CHARS).trim();
  if (text === '') return 'error';
  turn.messages.push({ type: 'text', text });
  remember(turn, 'bot', text);
  return 'ok';
}

/** The label the model answered, ignoring case, surrounding quotes, spaces and a final period. */
export function pickLabel(labels: readonly string[], answer: string): string | undefined {
  const said = answer
    .trim()
    .replace(/^["'`«]+|["'`».!]+$/g, '')
    .trim()
    .toLowerCase();
  return labels.find((label) => label.toLowerCase() === said);
}

/** Keeps a message for the llm steps that read the conversation back, if the agent has any. */
export function remember(turn: Turn, from: HistoryEntry['from'], text: string): void {
  const limit = turn.agent.historyLimit;
  if (!turn.history || limit === undefined) return;
  turn.history.push({ from, text: text.slice(0, MAX_HISTORY_CHARS) });
  turn.history = trimHistory(turn.history, limit);
}

/** The stored history as far as it can be trusted, its last `limit` entries. */
export function trimHistory(stored: unknown, limit: number): HistoryEntry[] {
  if (!Array.isArray(stored)) return [];
  const entries = stored.flatMap((entry: unknown): HistoryEntry[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { from, text } = entry as Record<string, unknown>;
    if ((from !== 'visitor' && from !== 'bot') || typeof text !== 'string') return [];
    return [{ from, text: text.slice(0, MAX_HISTORY_CHARS) }];
  });
  return limit > 0 ? entries.slice(-limit) : [];
}
