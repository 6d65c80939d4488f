// Secrets that could reach a log line: the webhook token (it is part of the URL path), the admin
// token (Authorization header, or a query parameter a client chose to send it in), the password
// of the URL's user, and anything a later feature marks as a password.

const REDACTED = '[redacted]';

/** `scheme://authority` of a request line in absolute form (`GET http://host/path HTTP/1.1`). */
const ORIGIN = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** The webhook's first segment, however it is spelt: `webim`, `WEBIM`, `webim;x=1`... */
const WEBHOOK_SEGMENT = /^webim(?![a-z0-9_-])/i;

/** A channel id (libs/catalog's rule): what may stand between `webim` and the token. */
const CHANNEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A query parameter's name worth keeping: shorter than any secret the product has (admin
 * tokens have at least 16 characters, webhook tokens 32), so that a secret sent as a name is
 * not kept as one.
 */
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,14}$/;

/** How many rounds of percent-decoding a path gets before its structure is read. */
const DECODE_ROUNDS = 3;

/**
 * A request URL as it may be logged, whatever its spelling. The URL is taken apart the way a
 * router would (absolute form, path, query, fragment) and redacted by structure rather than by
 * its text:
 *
 * - a path whose percent-decoded segments (split at `/` and `\`) contain the webhook's `webim`
 *   segment, in any case, is written decoded up to the channel id and `[redacted]` after it,
 *   the token and whatever follows (the id too when it is not a channel id);
 * - every query parameter's value is `[redacted]`, and its name too unless it looks like a name;
 * - the user and password of an absolute URL, and any fragment, are `[redacted]`.
 *
 * Any other path is left exactly as it was sent.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let rest = url;
  let origin = '';
  const absolute = ORIGIN.exec(url);
  if (absolute) {
    const [whole, scheme, authority] = absolute;
    const at = authority.lastIndexOf('@');
    origin = scheme + (at >= 0 ? `${REDACTED}@${authority.slice(at + 1)}` : authority);
    rest = url.slice(whole.length);
  }
  const hash = rest.indexOf('#');
  const fragment = hash >= 0 ? `#${REDACTED}` : '';
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question >= 0 ? rest.slice(0, question) : rest;
  const query = question >= 0 ? `?${redactQuery(rest.slice(question + 1))}` : '';
  return origin + redactPath(path) + query + fragment;
}

function redactPath(path: string): string {
  const segments = decodeFully(path).split(/[/\\]/);
  const webim = segments.findIndex((segment) => WEBHOOK_SEGMENT.test(segment.trim()));
  if (webim < 0) return path;
  const kept = segments.slice(0, webim + 1);
  const rest = segments.slice(webim + 1);
  if (rest.length > 0 && CHANNEL_ID.test(rest[0])) kept.push(rest.shift()!);
  if (rest.some((segment) => segment !== '')) kept.push(REDACTED);
  return escapeControls(kept.join('/'));
}

function redactQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      const name = decodeFully(equals >= 0 ? parameter.slice(0, equals) : parameter);
      const shown = PARAMETER_NAME.test(name) ? name : REDACTED;
      return equals >= 0 ? `${shown}=${REDACTED}` : shown;
    })
    .join('&');
}

/**
 * Percent-decoding repeated until nothing changes (a double-encoded `%2577` is a `w` to a reader
 * too). Malformed escapes stay as they are; bytes that are not UTF-8 decode one by one.
 */
function decodeFully(text: string): string {
  let decoded = text;
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    const next = decoded.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
          String.fromCharCode(parseInt(hex, 16)),
        );
      }
    });
    if (next === decoded) break;
    decoded = next;
  }
  return decoded;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Control characters a decoded path may hold, written back as escapes. */
function escapeControls(text: string): string {
  return text.replace(
    CONTROL,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.adminToken',
  // Stored secrets' values (PUT /api/secrets/:name), should a body or a field ever be logged.
  'value',
  '*.value',
];
