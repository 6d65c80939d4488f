/**
 * Rejects when `promise` has not settled within `ms`: a call to a Redis that hangs (rather than
 * refuses) must not hold a Webim answer or a health probe past its deadline.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
