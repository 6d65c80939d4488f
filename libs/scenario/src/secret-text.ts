// Secrets are named in templates as `{{secret.NAME}}` and only where a request is addressed
// (a call's url and headers). They stay names all the way to the executor, which resolves them
// where it sends the request; no value ever reaches the interpreter, a variable or a message.
import type { SecretText } from './model';
import { renderTemplate } from './template';

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_REF = /\{\{\s*secret\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Anything that looks like a secret reference, well-formed or not. */
const SECRET_LIKE = /\{\{\s*secret\s*\./;

export function mentionsSecret(text: string): boolean {
  return SECRET_LIKE.test(text);
}

/** A template split at its secret references: template parts and `{ secret }` parts. */
export function splitSecrets(text: string): SecretText {
  const out: SecretText = [];
  let last = 0;
  for (const match of text.matchAll(SECRET_REF)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    out.push({ secret: match[1] });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The template parts rendered; secret parts kept as names. */
export function renderSecretText(
  template: SecretText,
  vars: Readonly<Record<string, string>>,
): SecretText {
  return template.map((part) => (typeof part === 'string' ? renderTemplate(part, vars) : part));
}

export function secretNames(texts: readonly SecretText[]): string[] {
  const names = texts.flatMap((text) =>
    text.flatMap((part) => (typeof part === 'string' ? [] : [part.secret])),
  );
  return [...new Set(names)];
}

/** The text with each secret shown as `<secret NAME>`, for logs and test reports. */
export function showSecretText(text: SecretText): string {
  return text.map((part) => (typeof part === 'string' ? part : `<secret ${part.secret}>`)).join('');
}
