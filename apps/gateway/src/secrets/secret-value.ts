// What a stored secret's value may be. Values go into HTTP requests (a URL, a header, Basic
// credentials), so they are text a header can carry. Problems are told in words alone: a
// refusal must never show any part of the value.

/** The most bytes (UTF-8) a value may have: API keys and tokens are far shorter. */
export const SECRET_VALUE_MAX_BYTES = 4096;

/** What is wrong with `value` as a secret's value, in words that follow "value"; undefined if nothing. */
export function secretValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  // UTF-8 never takes fewer bytes than UTF-16 takes code units: a longer string is refused
  // before anything scans it.
  if (value.length > SECRET_VALUE_MAX_BYTES || Buffer.byteLength(value) > SECRET_VALUE_MAX_BYTES) {
    return `must be at most ${SECRET_VALUE_MAX_BYTES} bytes in UTF-8`;
  }
  if (!value.isWellFormed()) return 'must be well-formed Unicode (no unpaired surrogate)';
  if (/\p{Cc}/u.test(value)) return 'must not contain control characters (line breaks, tabs…)';
  return undefined;
}
