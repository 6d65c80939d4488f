import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorBody } from './error-body';

function isHealthResult(payload: unknown): boolean {
  return (
    typeof payload === 'object' && payload !== null && 'status' in payload && 'details' in payload
  );
}

/**
 * Every error leaves as ErrorBody (health checks excepted); anything unexpected is a logged 500 with no internals shown.
 * Replies go through the HTTP adapter because errors thrown by middleware carry Node's raw
 * response, not Fastify's.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    const { httpAdapter } = this.adapterHost;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (isHealthResult(payload)) {
        // Terminus's documented body (which check is down, and why) is what probes' readers expect.
        httpAdapter.reply(response, payload, status);
        return;
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
