/**
 * The secret an Authorization header presents: a Bearer token, or the password of HTTP Basic
 * (the user name is ignored). Null when the header is missing, malformed or of another scheme.
 */
export function presentedSecret(
  header: string | undefined,
  schemes: ('bearer' | 'basic')[],
): string | null {
  const match = header ? /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return null;
  const scheme = match[1].toLowerCase() as 'bearer' | 'basic';
  if (!schemes.includes(scheme)) return null;
  if (scheme === 'bearer') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}
