// What a step's request sent and got, as a transcript keeps it: pure, no I/O.
import { StepRequestTrace, TRACE_TEXT_MAX } from '@app/conversation';
import { outcomeName, showSecretText } from '@app/scenario';
import type { IoOutcome, IoRequest } from '@app/scenario';

/**
 * The trace of one request. Secrets stay names: the request holds them as such, and what comes
 * back never holds their values (the port masks them in its error messages).
 */
export function traceOf(
  request: IoRequest,
  outcome: IoOutcome,
  ms: number,
  later = false,
): StepRequestTrace {
  const trace: StepRequestTrace = {
    step: request.kind,
    sent: '',
    outcome: outcomeName(outcome),
    ms,
    ...(later && { later }),
  };
  if (request.kind === 'call') {
    trace.sent = `${request.method} ${showSecretText(request.url)}`;
    if (request.headers.length > 0)
      trace.headers = request.headers.map((h) => `${h.name}: ${showSecretText(h.value)}`);
    if (request.body) trace.body = cut(JSON.stringify(request.body.value));
  } else {
    trace.sent = `${request.mode} ${request.model ?? 'default'}`;
    const last = request.messages.at(-1);
    if (last) trace.body = cut(last.content);
  }
  const received = receivedOf(outcome);
  if (outcome.kind === 'response') trace.status = outcome.status;
  if (received !== undefined) trace.received = cut(received);
  return trace;
}

function receivedOf(outcome: IoOutcome): string | undefined {
  switch (outcome.kind) {
    case 'response':
      return outcome.body === undefined ? undefined : JSON.stringify(outcome.body);
    case 'text':
      return outcome.text;
    case 'error':
      return outcome.message;
    case 'timeout':
      return undefined;
  }
}

function cut(text: string): string {
  return text.length > TRACE_TEXT_MAX ? `${text.slice(0, TRACE_TEXT_MAX)}…` : text;
}
