import { Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayEnv } from '@app/config';
import { RetryLaterException } from '../http/retry-later.exception';
import { SignInLimiter } from '../throttling/sign-in-limiter';
import { presentedSecret } from './presented-secret';
import { SecretMatcher } from './secret-matcher';

/** The API's reference, opened in a browser: a 401 there asks for a password. */
export const API_DOCS_ROUTE = '/api/docs';

/** What a client past the limit of failed sign-ins is told. */
export const TOO_MANY_SIGN_INS = 'Too many failed sign-ins from this client; retry later';

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every `/api/**` route (HTTP Basic with the token as
 * password works too, for a browser on the API docs), compared in constant time. A middleware
 * rather than a guard: it runs before the body is parsed and before routing, so an
 * unauthenticated request gets 401 whatever it sends and wherever it goes under /api, and a new
 * route cannot be left open by forgetting a decorator. It runs before the rate limit too (a
 * guard), so failed sign-ins have a limit of their own (SignInLimiter).
 */
@Injectable()
export class AdminAuthMiddleware implements NestMiddleware {
  private readonly adminToken: SecretMatcher;

  constructor(
    env: GatewayEnv,
    private readonly signIns: SignInLimiter,
  ) {
    this.adminToken = new SecretMatcher(env.ADMIN_TOKEN ?? '');
  }

  async use(
    // Fastify's middleware engine copies the request's `ip` onto Node's request.
    request: IncomingMessage & { ip?: string },
    response: ServerResponse,
    next: () => void,
  ): Promise<void> {
    const presented = presentedSecret(request.headers.authorization, ['bearer', 'basic']);
    const signIn = await this.signIns.attempt(request.ip, presented, this.adminToken);
    if (signIn.outcome === 'accepted') return next();
    if (signIn.outcome === 'locked-out') {
      throw new RetryLaterException(429, TOO_MANY_SIGN_INS, signIn.retryAfterSec);
    }
    // Middleware mounted on a path sees `url` relative to it; originalUrl is the full path.
    const path = (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url;
    if (path?.startsWith(API_DOCS_ROUTE)) {
      response.setHeader('www-authenticate', 'Basic realm="Webim bot gateway", charset="UTF-8"');
    }
    throw new UnauthorizedException(
      'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required',
    );
  }
}
