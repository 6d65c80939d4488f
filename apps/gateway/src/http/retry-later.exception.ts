import { HttpException } from '@nestjs/common';

/**
 * A refusal that will pass (429, 503): its answer tells the client when to try again in a
 * Retry-After header, which AllExceptionsFilter sets.
 */
export class RetryLaterException extends HttpException {
  constructor(
    status: 429 | 503,
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message, status);
  }
}
