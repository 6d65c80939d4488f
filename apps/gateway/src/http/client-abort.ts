import type { IncomingMessage } from 'node:http';

/** What Node and its streams say when the other end of a connection went away. */
const CONNECTION_CLOSED = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * True when `error` only says that the client closed its connection before its request was
 * read or its answer written: there is nobody to answer, and nothing wrong with the gateway.
 * A lost Redis connection fails with the same codes; it is told apart by the client's own
 * connection, which has closed only here.
 */
export function isClientAbort(error: unknown, clientGone: boolean): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return clientGone && error instanceof Error && CONNECTION_CLOSED.has(code ?? '');
}

/** Whether a request's connection has closed: Fastify's request, or Node's own in middleware. */
export function connectionClosed(request: unknown): boolean {
  const raw = (request as { raw?: IncomingMessage } | undefined)?.raw ?? request;
  return (raw as IncomingMessage | undefined)?.socket?.destroyed === true;
}
