import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { errorBody } from './error-body';

/** Every error leaves as ErrorBody; anything unexpected is a logged 500 with no internals shown. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const { message, details } =
        typeof response === 'string'
          ? { message: response, details: undefined }
          : (response as { message?: unknown; details?: unknown[] });
      const text = Array.isArray(message)
        ? message.join('; ')
        : String(message ?? exception.message);
      void reply.status(status).send(errorBody(status, text, details));
      return;
    }
    this.logger.error(
      { err: (exception as Error)?.message, stack: (exception as Error)?.stack },
      'Unhandled error',
    );
    void reply.status(500).send(errorBody(500, 'Internal error'));
  }
}
