import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time. Both sides are hashed
 * first, so that neither the content nor the length of the secret leaks through timing.
 */
export class SecretMatcher {
  private readonly expected: Buffer;

  constructor(secret: string) {
    this.expected = SecretMatcher.digest(secret);
  }

  matches(presented: string): boolean {
    return timingSafeEqual(SecretMatcher.digest(presented), this.expected);
  }

  private static digest(value: string): Buffer {
    return createHash('sha256').update(value).digest();
  }
}
