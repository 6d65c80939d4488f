import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Deeper than any request of ours needs (Webim's are 4 levels). Validation and transformation
 * recurse, so a body of 100 000 nested arrays would overflow the stack: refused up front.
 */
export const MAX_JSON_DEPTH = 32;

/** The depth of a parsed JSON value, counted without recursion and up to `limit + 1`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Bodies whose Content-Type is missing or not JSON are still parsed as JSON: Webim's is not
 * documented, and refusing a valid body over a header would hand chats off for nothing.
 * An empty body is no body, however it was framed: Fastify skips parsing when Content-Length
 * says 0, but a chunked request (or one with a Content-Type) reaches the parser with nothing
 * in it, and must get the answer a body-less request gets, not a JSON syntax error.
 * Parse errors, bodies over the limit and poisoned `__proto__` keys become 4xx HttpExceptions
 * that Nest routes through AllExceptionsFilter, like every other error.
 */
export function configureFastify(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, (error, value) => {
      if (error) return done(error, undefined);
      if (nestingDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        return done(new BadRequestException(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
      }
      done(null, value);
    });
  });
  // Agent sources (PUT /api/agents/:id) arrive as YAML text; the agent compiler parses them.
  fastify.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'],
    { parseAs: 'string', bodyLimit: AGENT_SOURCE_LIMIT },
    (_request, body, done) => done(null, body),
  );
}

/** Largest agent source accepted, in bytes. */
export const AGENT_SOURCE_LIMIT = 1024 * 1024;

/**
 * Every route the server registers (Nest's, Bull Board's, the API docs'), as "METHOD /path":
 * logged at start so that an operator, and the test that checks every /api route is
 * authenticated, see exactly what is exposed.
 */
export function collectRoutes(fastify: FastifyInstance): string[] {
  const routes: string[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
    }
  });
  return routes;
}
