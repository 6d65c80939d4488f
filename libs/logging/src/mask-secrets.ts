// Keeps secrets' values out of texts that are shown or stored: error messages, transcripts.
// Pure: no I/O.

export const SECRET_MASK = '[secret]';

/**
 * The shortest run of base64 characters worth masking. A secret's base64 within a longer
 * encoding (HTTP Basic encodes `user:password` as one) is found only by its middle, which is
 * shorter than the secret; runs of a few characters would match ordinary text.
 */
const MIN_BASE64_RUN = 6;

/**
 * The base64 characters that depend only on `value`'s bytes, for each of the three offsets (in
 * bytes, modulo 3) the value may start at inside a longer encoded text, in both alphabets.
 */
function base64Runs(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const runs: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i covers bits [6i, 6i + 6); the value's bits are [8 * offset, 8 * (offset + n)).
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const run = encoded.slice(first, end);
    if (run.length >= MIN_BASE64_RUN) {
      runs.push(run, run.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return runs;
}

/** Every spelling of `value` a text may carry it in. */
function spellings(value: string): string[] {
  const uri = encodeURIComponent(value);
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    ...base64Runs(value),
  ];
}

/**
 * `text` with every occurrence of each of `values` replaced by `[secret]`: as written, escaped
 * in JSON, percent-encoded (either case of hex digits, or as a form encodes it) and in base64
 * (standard or URL-safe), wherever it starts within a longer base64 text such as HTTP Basic
 * credentials. Longer spellings are replaced first, so one inside another leaves no part shown.
 */
export function maskSecrets(text: string, values: Iterable<string>): string {
  const forms = new Set<string>();
  for (const value of values) {
    if (value === '') continue;
    for (const form of spellings(value)) if (form !== '') forms.add(form);
  }
  if (forms.size === 0) return text;
  const pattern = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  return text.replace(new RegExp(pattern, 'g'), SECRET_MASK);
}
