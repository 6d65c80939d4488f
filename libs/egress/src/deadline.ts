export interface DeadlineRules {
  /** Kept back from the time left for what the turn does after the request (its commit). */
  marginMs: number;
  /** Below this a request cannot usefully be made: it fails at once instead. */
  minTimeoutMs: number;
}

/**
 * The time a request may take: the author's timeout, or the time left before the deadline less
 * the margin, whichever is shorter; null when that is below the useful minimum.
 */
export function effectiveTimeout(
  authorTimeoutMs: number,
  deadline: number,
  now: number,
  rules: DeadlineRules,
): number | null {
  const ms = Math.min(authorTimeoutMs, deadline - now - rules.marginMs);
  return ms >= rules.minTimeoutMs ? Math.floor(ms) : null;
}
