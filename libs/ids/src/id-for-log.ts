import { createHash } from 'node:crypto';

/** How much of a refused id a log line shows. */
const SHOWN = 32;

/** A refused id as a log line carries it. */
export interface IdForLog {
  /** The id's first characters, any broken surrogate pair replaced. */
  start: string;
  /** Its length in UTF-16 code units, as JavaScript counts it. */
  length: number;
  /** The first 16 hex digits of the SHA-256 of its UTF-8 form: tells two long ids apart. */
  sha256: string;
}

/**
 * A refused id, short enough to log: an id that breaks the rule may be as long as the body
 * that carried it, and is never logged whole.
 */
export function idForLog(value: string): IdForLog {
  return {
    start: value.slice(0, SHOWN).toWellFormed(),
    length: value.length,
    sha256: createHash('sha256').update(value).digest('hex').slice(0, 16),
  };
}
