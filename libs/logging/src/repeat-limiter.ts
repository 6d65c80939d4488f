import { REPEATED_ERROR_LOG_MS } from './throttled';

/** What to do with one occurrence of a line. */
export interface RepeatDecision {
  log: boolean;
  /** Occurrences of the same line dropped since it was last logged (when `log`). */
  suppressed: number;
}

/** Past this many distinct lines the oldest are forgotten (and logged again when they recur). */
const MAX_KEYS = 1000;

/**
 * Rate limit per kind of line: the first occurrence of `key` is logged at once, the next ones
 * within `intervalMs` are only counted, and the first one after it is logged with that count.
 * For errors that repeat as long as something is down (a Redis client's reconnect attempts).
 */
export class RepeatLimiter {
  private readonly seen = new Map<string, { lastLogged: number; suppressed: number }>();

  constructor(private readonly intervalMs = REPEATED_ERROR_LOG_MS) {}

  occurred(key: string, now = Date.now()): RepeatDecision {
    const entry = this.seen.get(key);
    if (entry && now - entry.lastLogged < this.intervalMs) {
      entry.suppressed++;
      return { log: false, suppressed: entry.suppressed };
    }
    const suppressed = entry?.suppressed ?? 0;
    this.seen.delete(key); // re-inserted last: the map's order is the order of use
    this.seen.set(key, { lastLogged: now, suppressed: 0 });
    if (this.seen.size > MAX_KEYS) this.seen.delete(this.seen.keys().next().value!);
    return { log: true, suppressed };
  }
}
