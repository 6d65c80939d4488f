import type { FastifyInstance } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Bull Board, and every asset and API path under it, behind HTTP Basic with the admin token as
 * the password (any user name), so that a browser can open it. A Fastify hook rather than Nest
 * middleware: Bull Board registers a whole Fastify plugin under the prefix, and middleware
 * bound to its route would leave the plugin's own paths open.
 */
export function protectQueueBoard(fastify: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith(QUEUE_BOARD_ROUTE)) return done();
    const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const password = decoded.slice(decoded.indexOf(':') + 1);
    if (match && decoded.includes(':') && timingSafeEqual(digest(password), expected))
      return done();
    void reply
      .code(401)
      .header('www-authenticate', 'Basic realm="Bull Board", charset="UTF-8"')
      .send({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Sign in with any user name and the admin token as password',
      });
  });
}
