import type { FastifyInstance } from 'fastify';
import { errorBody } from '../http/error-body';
import type { SignInLimiter } from '../throttling/sign-in-limiter';
import { TOO_MANY_SIGN_INS } from './admin-auth.middleware';
import { presentedSecret } from './presented-secret';
import { SecretMatcher } from './secret-matcher';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Whether a route pattern, as Fastify registered it, is one of the board's. */
export function isQueueBoardRoute(routeUrl: string | undefined): boolean {
  return (
    routeUrl !== undefined &&
    (routeUrl === QUEUE_BOARD_ROUTE || routeUrl.startsWith(`${QUEUE_BOARD_ROUTE}/`))
  );
}

/**
 * Bull Board, and every asset and API path under it, behind HTTP Basic with the admin token as
 * the password (any user name), so that a browser can open it. A Fastify hook rather than Nest
 * middleware: Bull Board registers a whole Fastify plugin under the prefix, and middleware
 * bound to its route would leave the plugin's own paths open.
 *
 * The hook asks which route the router matched, never what the URL looks like: the router
 * decodes percent-encoding and accepts the absolute form (`GET http://host/admin/queues`), so
 * any test on the raw URL can be passed by a spelling that still reaches the board. A request
 * that matches no route gets the router's 404 and no board content. Wrong passwords count
 * against the same limit as the API's wrong tokens (SignInLimiter).
 */
export function protectQueueBoard(
  fastify: FastifyInstance,
  adminToken: string,
  signIns: SignInLimiter,
): void {
  const password = new SecretMatcher(adminToken);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isQueueBoardRoute(request.routeOptions.url)) return done();
    const presented = presentedSecret(request.headers.authorization, ['basic']);
    signIns.attempt(request.ip, presented, password).then((signIn) => {
      if (signIn.outcome === 'accepted') return done();
      if (signIn.outcome === 'locked-out') {
        void reply
          .code(429)
          .header('retry-after', String(signIn.retryAfterSec))
          .send(errorBody(429, TOO_MANY_SIGN_INS));
        return;
      }
      void reply
        .code(401)
        .header('www-authenticate', 'Basic realm="Bull Board", charset="UTF-8"')
        .send({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Sign in with any user name and the admin token as password',
        });
    }, done);
  });
}
