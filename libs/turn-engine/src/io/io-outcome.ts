// An egress outcome as the outcome a scenario routes on: pure, no I/O.
import { maskSecrets } from '@app/logging';
import type { EgressOutcome } from '@app/egress';
import type { IoOutcome, IoRequest, LlmUsage } from '@app/scenario';

/**
 * A call's answer is a `response` whatever its status (the interpreter tells `ok` from
 * `error` by it); an llm request's is the model's text. No answer is `timeout` or `error`,
 * whose message never holds a secret's value.
 */
export function toIoOutcome(
  request: IoRequest,
  outcome: EgressOutcome,
  secrets: Iterable<string>,
): IoOutcome {
  if (outcome.kind === 'timeout') return { kind: 'timeout' };
  if (outcome.kind !== 'ok' && outcome.kind !== 'http_error') {
    return { kind: 'error', message: maskSecrets(`${outcome.kind}: ${outcome.reason}`, secrets) };
  }
  if (request.kind === 'call') {
    return { kind: 'response', status: outcome.status, body: jsonBody(outcome.body) };
  }
  if (outcome.kind === 'http_error') {
    return { kind: 'error', message: `the model's provider answered ${outcome.status}` };
  }
  const text = completionText(outcome.body);
  if (text === undefined) return { kind: 'error', message: 'the model’s answer holds no text' };
  const usage = usageOf(outcome.body);
  return usage ? { kind: 'text', text, usage } : { kind: 'text', text };
}

/** The answer's `model` and `usage` token counts, when it has them as numbers. */
function usageOf(body: unknown): LlmUsage | undefined {
  const { model, usage } = (body ?? {}) as { model?: unknown; usage?: Record<string, unknown> };
  const prompt = usage?.prompt_tokens;
  const completion = usage?.completion_tokens;
  if (!isCount(prompt) || !isCount(completion)) return undefined;
  return {
    model: typeof model === 'string' ? model : '',
    promptTokens: prompt,
    completionTokens: completion,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The body as JSON, or undefined when it is not JSON (or empty). */
function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return body ?? undefined;
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** `choices[0].message.content` of a Chat Completions answer, when it is text. */
function completionText(body: unknown): string | undefined {
  const choices = (body as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return undefined;
  const content = (choices[0] as { message?: { content?: unknown } } | undefined)?.message?.content;
  return typeof content === 'string' ? content : undefined;
}
