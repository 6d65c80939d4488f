import { Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayEnv } from '@app/config';
import { presentedSecret } from './presented-secret';
import { SecretMatcher } from './secret-matcher';

/** The API's reference, opened in a browser: a 401 there asks for a password. */
export const API_DOCS_ROUTE = '/api/docs';

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every `/api/**` route (HTTP Basic with the token as
 * password works too, for a browser on the API docs), compared in constant time. A middleware
 * rather than a guard: it runs before the body is parsed and before routing, so an
 * unauthenticated request gets 401 whatever it sends and wherever it goes under /api, and a new
 * route cannot be left open by forgetting a decorator.
 */
@Injectable()
export class AdminAuthMiddleware implements NestMiddleware {
  private readonly adminToken: SecretMatcher;

  constructor(env: GatewayEnv) {
    this.adminToken = new SecretMatcher(env.ADMIN_TOKEN ?? '');
  }

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const presented = presentedSecret(request.headers.authorization, ['bearer', 'basic']);
    if (presented === null || !this.adminToken.matches(presented)) {
      // Middleware mounted on a path sees `url` relative to it; originalUrl is the full path.
      const path =
        (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url;
      if (path?.startsWith(API_DOCS_ROUTE)) {
        response.setHeader('www-authenticate', 'Basic realm="Webim bot gateway", charset="UTF-8"');
      }
      throw new UnauthorizedException(
        'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required',
      );
    }
    next();
  }
}
