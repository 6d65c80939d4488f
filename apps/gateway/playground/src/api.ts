// The management API as the page calls it: the admin token in the Authorization header, as
// every other client sends it. The token is kept in this tab's sessionStorage only, so it goes
// when the tab closes and is never sent anywhere but this gateway's /api.

const TOKEN_KEY = 'webim-gateway-admin-token';

export interface ApiAnswer<T> {
  status: number;
  ok: boolean;
  body: T;
}

/** The API's error format: `{statusCode, error, message, details?}`. */
export interface ApiError {
  statusCode: number;
  message: string | string[];
  details?: unknown[];
}

let onSignedOut: () => void = () => undefined;

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  onSignedOut();
}

/** What to show when the API refuses the token (it changed, or the gateway restarted). */
export function whenSignedOut(show: () => void): void {
  onSignedOut = show;
}

/**
 * Checks a token against the API (an authenticated read) and keeps it if it is accepted.
 * Returns null when signed in, else what to tell the user.
 */
export async function signIn(candidate: string): Promise<string | null> {
  const response = await fetch('/api/agents', {
    headers: { authorization: `Bearer ${candidate}` },
  });
  if (response.status === 200) {
    sessionStorage.setItem(TOKEN_KEY, candidate);
    return null;
  }
  if (response.status === 401) return 'The admin token was refused.';
  if (response.status === 429) {
    return `Too many failed sign-ins; retry in ${response.headers.get('retry-after') ?? 'a'} s.`;
  }
  return `The gateway answered ${response.status}.`;
}

/** Calls /api with the token. A 401 signs out: the page then asks for the token again. */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; yaml?: string } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
  let body: string | undefined;
  if (init.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    body = init.yaml;
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(path, { method: init.method ?? 'GET', headers, body });
  if (response.status === 401) signOut();
  const text = await response.text();
  return {
    status: response.status,
    ok: response.ok,
    body: (text ? JSON.parse(text) : null) as T,
  };
}

/** An error answer's message as one line. */
export function errorText(answer: ApiAnswer<unknown>): string {
  const error = answer.body as ApiError | null;
  if (!error || error.message === undefined) return `HTTP ${answer.status}`;
  return Array.isArray(error.message) ? error.message.join('; ') : error.message;
}
