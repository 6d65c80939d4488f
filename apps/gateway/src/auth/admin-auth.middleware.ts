import { Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { GatewayEnv } from '@app/config';
import { SecretMatcher } from './secret-matcher';

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every `/api/**` route, compared in constant time.
 * A middleware rather than a guard: it runs before the body is parsed, so an unauthenticated
 * request gets 401 whatever it sends, and a new route cannot be left open by forgetting a
 * decorator.
 */
@Injectable()
export class AdminAuthMiddleware implements NestMiddleware {
  private readonly adminToken: SecretMatcher;

  constructor(env: GatewayEnv) {
    this.adminToken = new SecretMatcher(env.ADMIN_TOKEN ?? '');
  }

  use(request: IncomingMessage, _response: unknown, next: () => void): void {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match || !this.adminToken.matches(match[1])) {
      throw new UnauthorizedException(
        'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required',
      );
    }
    next();
  }
}
