import { Dispatcher, request } from 'undici';
import type { EgressOutcome } from '../outcome';
import type { EgressRequest } from '../request';
import { EgressRefusal } from './guarded-lookup';
import { BodyTooLarge, readCapped } from './read-body';

/**
 * Sends one request through `dispatcher` and turns whatever happens into an outcome. Redirects
 * are not followed (undici's `request` never follows them): a 3xx is an `http_error`, so a
 * backend cannot send a call to an address the rules would not let it reach directly.
 * `signal` carries the request's timeout; it bounds the connection, the headers and the body.
 */
export async function sendRequest(
  dispatcher: Dispatcher,
  req: EgressRequest,
  signal: AbortSignal,
  maxBytes: number,
): Promise<EgressOutcome> {
  let status = 0;
  try {
    const response = await request(req.url, {
      dispatcher,
      method: req.method,
      headers: withContentType(req),
      body: encodeBody(req.body),
      signal,
    });
    status = response.statusCode;
    const declared = Number(response.headers['content-length']);
    if (declared > maxBytes) {
      response.body.destroy();
      throw new BodyTooLarge();
    }
    const bytes = await readCapped(response.body, maxBytes);
    const text = bytes.toString('utf8');
    const success = status >= 200 && status < 300;
    if (!success) {
      return { kind: 'http_error', status, body: jsonOrText(text), reason: `status ${status}` };
    }
    if (req.expect === 'text')
      return { kind: 'ok', status, body: text, reason: `status ${status}` };
    if (text.trim() === '') return { kind: 'ok', status, body: null, reason: `status ${status}` };
    try {
      return { kind: 'ok', status, body: JSON.parse(text), reason: `status ${status}` };
    } catch {
      return { kind: 'bad_body', status, reason: `status ${status}, the body is not JSON` };
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'timeout', reason: 'no complete answer in time' };
    if (error instanceof BodyTooLarge) {
      return {
        kind: 'bad_body',
        status,
        reason: `status ${status}, the body is over ${maxBytes} bytes`,
      };
    }
    if (error instanceof EgressRefusal) return { kind: 'refused', reason: error.message };
    // The caller's request is malformed (a header with a line break, a bad length): nothing
    // was sent, and the host is not to blame for it.
    const code = (error as { code?: string }).code;
    if (code && CALLER_ERRORS.has(code)) {
      return { kind: 'refused', reason: `not a valid request: ${(error as Error).message}` };
    }
    return { kind: 'network_error', reason: networkReason(error) };
  }
}

const CALLER_ERRORS = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH']);

function withContentType(req: EgressRequest): Record<string, string> {
  const headers = { ...req.headers };
  const given = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  if (req.body && !given) {
    headers['content-type'] =
      'json' in req.body ? 'application/json' : 'application/x-www-form-urlencoded';
  }
  return headers;
}

function encodeBody(body: EgressRequest['body']): string | undefined {
  if (!body) return undefined;
  return 'json' in body ? JSON.stringify(body.json) : new URLSearchParams(body.form).toString();
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error's code and message: no request data is in them, only the host at most. */
function networkReason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return [code ?? cause, message].filter(Boolean).join(': ') || 'connection failed';
}
