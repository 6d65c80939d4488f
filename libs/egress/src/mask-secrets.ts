/** Shorter values are not masked: masking `1` or `a` would garble every text it touches. */
const MIN_SECRET_LENGTH = 4;

/** `text` with every occurrence of each secret, and of its URL-encoded form, replaced by `***`. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let masked = text;
  const forms = secrets
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .flatMap((s) => [s, encodeURIComponent(s)])
    // Longest first, so that a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  for (const form of forms) masked = masked.split(form).join('***');
  return masked;
}
