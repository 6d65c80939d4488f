import { Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GatewayEnv } from '@app/config';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every `/api/**` route, compared in constant time.
 * A middleware rather than a guard: it runs before the body is parsed, so an unauthenticated
 * request gets 401 whatever it sends, and a new route cannot be left open by forgetting a
 * decorator.
 */
@Injectable()
export class AdminAuthMiddleware implements NestMiddleware {
  private readonly expected: Buffer;

  constructor(env: GatewayEnv) {
    this.expected = digest(env.ADMIN_TOKEN ?? '');
  }

  use(request: IncomingMessage, _response: unknown, next: () => void): void {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException(
        'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required',
      );
    }
    next();
  }
}
