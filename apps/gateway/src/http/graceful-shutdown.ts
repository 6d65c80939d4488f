import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * SIGTERM (or SIGINT): first stop accepting and answer every request in flight, each within its
 * own deadline, while Redis, the queue and the reply subscription are all still up; only then
 * close the modules. Nest's own shutdown hooks would close those first and turn in-flight
 * answers into hand-offs. `graceMs` bounds the whole thing, should anything hang.
 * Call before the server listens (it adds a hook).
 */
export function closeGracefully(app: NestFastifyApplication, graceMs: number): void {
  const logger = new Logger(closeGracefully.name);
  let closing = false;
  // Keep-alive connections would hold the server open after their last answer: while closing,
  // every answer closes its connection.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_request, reply, payload, done) => {
      if (closing) void reply.header('connection', 'close');
      done(null, payload);
    });
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    logger.log({ signal }, 'Stopping: no new connections; answering the requests in flight');
    setTimeout(() => {
      logger.error({ graceMs }, 'Shutdown took too long; exiting');
      process.exit(1);
    }, graceMs).unref();
    app
      .getHttpAdapter()
      .close()
      .then(() => logger.log({ ms: Date.now() - started }, 'In-flight requests answered'))
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: Error) => {
          logger.error({ err: error.message }, 'Shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
