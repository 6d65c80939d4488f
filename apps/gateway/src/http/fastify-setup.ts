import type { FastifyInstance } from 'fastify';

/**
 * Bodies whose Content-Type is missing or not JSON are still parsed as JSON: Webim's is not
 * documented, and refusing a valid body over a header would hand chats off for nothing.
 * Parse errors, bodies over the limit and poisoned `__proto__` keys become 4xx HttpExceptions
 * that Nest routes through AllExceptionsFilter, like every other error.
 */
export function configureFastify(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, parseJson);
  // Agent sources (PUT /api/agents/:id) arrive as YAML text; the agent compiler parses them.
  fastify.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'],
    { parseAs: 'string', bodyLimit: AGENT_SOURCE_LIMIT },
    (_request, body, done) => done(null, body),
  );
}

/** Largest agent source accepted, in bytes. */
export const AGENT_SOURCE_LIMIT = 1024 * 1024;
