import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { throttled } from '@app/logging';
import { isRedisUnavailable } from '@app/redis';
import { connectionClosed, isClientAbort } from './client-abort';
import { errorBody } from './error-body';
import { RetryLaterException } from './retry-later.exception';

/** Retry-After while Redis is away: its clients reconnect within 2 s of its return. */
export const REDIS_RETRY_AFTER_SEC = 5;

function isHealthResult(payload: unknown): boolean {
  return (
    typeof payload === 'object' && payload !== null && 'status' in payload && 'details' in payload
  );
}

/** Sets a header on Fastify's reply, or on Node's own response (errors thrown by middleware). */
function setHeader(response: unknown, name: string, value: string): void {
  const reply = response as { header?: (name: string, value: string) => unknown };
  if (typeof reply.header === 'function') reply.header(name, value);
  else (response as ServerResponse).setHeader(name, value);
}

/**
 * Every error leaves as ErrorBody (health checks excepted); anything unexpected is a logged 500 with no internals shown.
 * Redis being unreachable is no bug but a passing outage, whichever route ran into it: 503
 * with Retry-After, logged as a warning once in a while rather than with a stack per request.
 * A client that went away gets no answer and costs a debug line.
 * Replies go through the HTTP adapter because errors thrown by middleware carry Node's raw
 * response, not Fastify's.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);
  private readonly warnRedisUnavailable = throttled((message: string) =>
    this.logger.warn({ err: message }, 'Redis unavailable: answering 503'),
  );

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<unknown>();
    if (isClientAbort(exception, connectionClosed(http.getRequest()))) {
      this.logger.debug({ err: (exception as Error).message }, 'Client closed the connection');
      return;
    }
    if (isRedisUnavailable(exception)) {
      this.warnRedisUnavailable((exception as Error).message);
      exception = new RetryLaterException(
        503,
        'Redis cannot be reached; retry later',
        REDIS_RETRY_AFTER_SEC,
      );
    }
    const { httpAdapter } = this.adapterHost;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (isHealthResult(payload)) {
        // Terminus's documented body (which check is down, and why) is what probes' readers expect.
        httpAdapter.reply(response, payload, status);
        return;
      }
      if (exception instanceof RetryLaterException) {
        setHeader(response, 'retry-after', String(exception.retryAfterSec));
      }
      const { message, details } =
        typeof payload === 'string'
          ? { message: payload, details: undefined }
          : (payload as { message?: unknown; details?: unknown[] });
      const text = Array.isArray(message)
        ? message.join('; ')
        : String(message ?? exception.message);
      httpAdapter.reply(response, errorBody(status, text, details), status);
      return;
    }
    this.logger.error(
      { err: (exception as Error)?.message, stack: (exception as Error)?.stack },
      'Unhandled error',
    );
    httpAdapter.reply(response, errorBody(500, 'Internal error'), 500);
  }
}
