// What a valid id of each kind is, wherever it arrives: Webim's chat and visitor ids in the
// webhook's requests, channel and agent ids, chat ids and Idempotency-Keys on the management
// API, timer and event names, names of stored secrets. Ids become parts of Redis keys, BullMQ job ids, URLs and log
// lines, so every kind is bounded in characters and in bytes, and is well-formed Unicode: a
// lone surrogate has no UTF-8 form, so Redis would store it as U+FFFD, which several ids share.

/** The kinds of id, each with its rule. */
export type IdKind = 'webim' | 'catalog' | 'idempotencyKey' | 'name' | 'secret';

export interface IdRule {
  /** Most characters (Unicode code points); an id has at least one. */
  maxChars: number;
  /** Most bytes once encoded in UTF-8: what Redis stores and a URL carries. */
  maxBytes: number;
  /** The longest the id can be once percent-encoded in a URL path: every byte as `%XX`. */
  maxEncodedLength: number;
  /** Which characters, as a pattern over the whole id. */
  chars: RegExp;
  /** The problem of an id with a character `chars` refuses. */
  charsProblem: string;
  /** The rule in words, for error messages and documentation. */
  description: string;
}

function rule(spec: Omit<IdRule, 'maxEncodedLength'>): IdRule {
  return { ...spec, maxEncodedLength: 3 * spec.maxBytes };
}

export const ID_RULES: Readonly<Record<IdKind, IdRule>> = {
  // Webim's chat and visitor ids are opaque (UUIDs and 32 hex digits are seen): any text, with
  // room for ids in any script, but nothing a log line or a terminal would show as something
  // else.
  webim: rule({
    maxChars: 256,
    maxBytes: 512,
    chars: /^\P{Cc}*$/u,
    charsProblem: 'must not contain control characters',
    description:
      '1 to 256 characters and at most 512 bytes in UTF-8, well-formed Unicode, no control characters',
  }),
  // Channel and agent ids are ours: characters that need no escaping in a URL or a Redis key,
  // and no ':' or '.', which separate the parts of keys and job ids.
  catalog: rule({
    maxChars: 64,
    maxBytes: 64,
    chars: /^[A-Za-z0-9_-]*$/,
    charsProblem: 'may contain only letters, digits, "_" and "-"',
    description: '1 to 64 letters, digits, "_" and "-"',
  }),
  idempotencyKey: rule({
    maxChars: 128,
    maxBytes: 128,
    chars: /^[\x21-\x7e]*$/,
    charsProblem: 'may contain only visible ASCII characters',
    description: '1 to 128 visible ASCII characters',
  }),
  // The scenario language's rule for the names of timers and events (agents declare them).
  name: rule({
    maxChars: 64,
    maxBytes: 64,
    chars: /^[A-Za-z0-9_.-]*$/,
    charsProblem: 'may contain only letters, digits, "_", "." and "-"',
    description: '1 to 64 letters, digits, "_", "." and "-"',
  }),
  // Names of stored secrets (API keys, tokens): agents will name them inside templates, so a
  // name is an identifier there too: a letter first, then letters, digits and "_".
  secret: rule({
    maxChars: 64,
    maxBytes: 64,
    chars: /^[A-Za-z][A-Za-z0-9_]*$/,
    charsProblem: 'must start with a letter and contain only letters, digits and "_"',
    description: '1 to 64 letters, digits and "_", starting with a letter',
  }),
};

const NOT_WELL_FORMED = 'must be well-formed Unicode (no unpaired surrogate)';

function lengthProblem({ maxChars, maxBytes }: IdRule): string {
  return maxBytes > maxChars
    ? `must be 1 to ${maxChars} characters and at most ${maxBytes} bytes in UTF-8`
    : `must be 1 to ${maxChars} characters`;
}

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/** What is wrong with `value` as an id of `kind`, in words that follow its name; undefined if nothing. */
export function idProblem(kind: IdKind, value: unknown): string | undefined {
  const rule = ID_RULES[kind];
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  // UTF-8 never takes fewer bytes than UTF-16 takes code units: a string longer than that is
  // refused before anything scans it.
  if (value.length > rule.maxBytes) return lengthProblem(rule);
  if (!value.isWellFormed()) return NOT_WELL_FORMED;
  // Counted only when they could be past the limits (every request's ids pass here): a string
  // has no more code points than code units, and no more than 3 bytes of UTF-8 per code unit.
  const tooManyChars = value.length > rule.maxChars && codePoints(value) > rule.maxChars;
  const tooManyBytes = value.length * 3 > rule.maxBytes && Buffer.byteLength(value) > rule.maxBytes;
  if (tooManyChars || tooManyBytes) return lengthProblem(rule);
  if (!rule.chars.test(value)) return rule.charsProblem;
  return undefined;
}

export function isValidId(kind: IdKind, value: unknown): value is string {
  return idProblem(kind, value) === undefined;
}
