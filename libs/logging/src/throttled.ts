/** How often an error that keeps coming back is logged again. */
export const REPEATED_ERROR_LOG_MS = 10_000;

/**
 * `log`, run at most once per `intervalMs`; the calls in between are dropped. For an error that
 * repeats as long as something is down (BullMQ emits one on every reconnect attempt): the first
 * line says it, and one every `intervalMs` says it goes on, without flooding the log.
 */
export function throttled<A extends unknown[]>(
  log: (...args: A) => void,
  intervalMs = REPEATED_ERROR_LOG_MS,
): (...args: A) => void {
  return throttledCounting((_suppressed: number, ...args: A) => log(...args), intervalMs);
}

/**
 * `throttled`, whose `log` also gets how many calls were dropped since it last ran, so that a
 * line can say how often the error happened meanwhile (`{ suppressed: 14 }`).
 */
export function throttledCounting<A extends unknown[]>(
  log: (suppressed: number, ...args: A) => void,
  intervalMs = REPEATED_ERROR_LOG_MS,
): (...args: A) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (...args) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    last = now;
    const dropped = suppressed;
    suppressed = 0;
    log(dropped, ...args);
  };
}
