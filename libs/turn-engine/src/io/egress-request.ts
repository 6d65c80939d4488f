// A scenario's request for I/O as the egress request that carries it: pure, no I/O. Secret
// values go into a call's URL and headers and an llm request's Authorization header only.
import type { EgressRequest } from '@app/egress';
import type { CallRequest, IoRequest, LlmMessage, LlmRequest, SecretText } from '@app/scenario';
import type { LlmProvider } from './llm-provider';

export interface RequestContext {
  /** The values of the secrets the request names (all of them, resolved by the caller). */
  secrets: ReadonlyMap<string, string>;
  provider: LlmProvider;
  /** When the request must be over (epoch ms). */
  deadline: number;
  now: number;
}

/** The request, or why it cannot be sent (a text safe to log: names, never values). */
export type Prepared = { request: EgressRequest } | { problem: string };

export function toEgressRequest(request: IoRequest, context: RequestContext): Prepared {
  return request.kind === 'call' ? callRequest(request, context) : llmRequest(request, context);
}

function callRequest(request: CallRequest, context: RequestContext): Prepared {
  const headers: Record<string, string> = {};
  for (const header of request.headers) {
    headers[header.name] = withSecrets(header.value, context.secrets);
  }
  const egress: EgressRequest = {
    method: request.method,
    url: withSecrets(request.url, context.secrets),
    headers,
    // A 2xx answer that is not JSON is still `ok`: its status counts, its body is undefined.
    expect: 'text',
    timeoutMs: timeoutOf(request, context),
    deadline: context.deadline,
    secrets: [...context.secrets.values()],
  };
  if (request.body?.type === 'json') egress.body = { json: request.body.value };
  if (request.body?.type === 'form') egress.body = { form: request.body.value };
  return { request: egress };
}

function llmRequest(request: LlmRequest, context: RequestContext): Prepared {
  const base = request.url ?? context.provider.baseUrl;
  if (!base) return { problem: 'no LLM provider: set LLM_BASE_URL or the agent’s llm.url' };
  const model = request.model ?? context.provider.model;
  if (!model) return { problem: 'no LLM model: set LLM_MODEL or the agent’s llm.model' };
  const keyName = request.bearerSecret ?? context.provider.keySecret;
  const headers: Record<string, string> = {};
  if (keyName !== undefined) {
    const key = context.secrets.get(keyName);
    if (key === undefined) return { problem: `the secret "${keyName}" was not resolved` };
    headers.authorization = `Bearer ${key}`;
  }
  const body: Record<string, unknown> = { model, messages: messagesOf(request) };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  return {
    request: {
      method: 'POST',
      url: `${base.replace(/\/+$/, '')}/chat/completions`,
      headers,
      body: { json: body },
      expect: 'json',
      timeoutMs: timeoutOf(request, context),
      deadline: context.deadline,
      secrets: [...context.secrets.values()],
    },
  };
}

/** The secrets an llm request needs: the agent's key, else the deployment's. */
export function secretsOf(request: IoRequest, provider: LlmProvider): string[] {
  if (request.kind === 'call') return request.secrets;
  const key = request.bearerSecret ?? provider.keySecret;
  return key === undefined ? [] : [key];
}

/**
 * A classifying request tells the model its labels in the system prompt, so that it answers
 * one of them; the interpreter compares the answer with the labels all the same.
 */
function messagesOf(request: LlmRequest): LlmMessage[] {
  const messages = request.messages.map((message) => ({ ...message }));
  if (request.mode !== 'classify' || !request.labels?.length) return messages;
  const instruction = `Answer with exactly one of these labels and nothing else: ${request.labels.join(', ')}.`;
  const system = messages.find((message) => message.role === 'system');
  if (system) system.content = `${system.content}\n\n${instruction}`;
  else messages.unshift({ role: 'system', content: instruction });
  return messages;
}

/** The author's timeout; without one, all the time the deadline leaves. */
function timeoutOf(request: IoRequest, context: RequestContext): number {
  return request.timeoutMs ?? Math.max(0, context.deadline - context.now);
}

function withSecrets(text: SecretText, secrets: ReadonlyMap<string, string>): string {
  return text
    .map((part) => (typeof part === 'string' ? part : (secrets.get(part.secret) ?? '')))
    .join('');
}
