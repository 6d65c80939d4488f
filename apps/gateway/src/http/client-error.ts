import { Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './error-body';

/** Connection-level failures the HTTP parser reports, as the answer the client gets. */
const CLIENT_ERRORS: Record<string, [status: number, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large'],
};
const MALFORMED: [number, string] = [400, 'Malformed HTTP request'];

const logger = new Logger('HttpConnections');

/**
 * The answer to a request that breaks HTTP before any route sees it: too slow to arrive,
 * headers too large, malformed. The server closes the socket right after, so the answer says
 * `Connection: close`: a client that kept the connection for its next request would otherwise
 * see that request fail. In the product's error format, like every other error. A client that
 * has already gone gets nothing, and is no error of ours.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    logger.debug({ err: error.message }, 'Client closed the connection');
    return;
  }
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  logger.debug({ status, code: error.code }, 'Refused a request before routing');
  const body = JSON.stringify(errorBody(status, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
