// Secrets that could reach a log line: the webhook token (it is part of the URL path), the admin
// token (Authorization header), and anything a later feature marks as a password.

const WEBHOOK_PATH = /^(\/webim\/[^/?#]+\/)[^/?#]+/;

/** Replaces the token segment of a webhook URL; other URLs pass unchanged. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(WEBHOOK_PATH, '$1[redacted]');
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.adminToken',
];
