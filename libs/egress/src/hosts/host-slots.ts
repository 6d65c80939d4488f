/**
 * A bound on the requests in flight to one host. A request over it waits, first come first
 * served, until a slot frees or its own signal aborts (its timeout): a slow host holds up its
 * own callers only.
 */
export class HostSlots {
  private inUse = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limit: number) {}

  get active(): number {
    return this.inUse;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** True when a slot is held (give it back with `release`); false when `signal` aborted first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.inUse < this.limit) {
      this.inUse++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiting.delete(grant);
        resolve(false);
      };
      // Called by release with the slot already counted as this waiter's.
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.waiting.add(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.values().next();
    if (next.done) {
      this.inUse--;
      return;
    }
    this.waiting.delete(next.value);
    next.value();
  }
}
