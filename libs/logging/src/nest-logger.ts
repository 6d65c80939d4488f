import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { requestLogOptions } from './logger.module';

/**
 * Nest's own start-up chatter: a line per module initialised and per route mapped (a few KB at
 * every start), useful when debugging the app's wiring only.
 */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** nestjs-pino's logger, with Nest's start-up chatter at `debug`. */
class ProcessNestLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) {
      super.debug(message, ...optionalParams);
    } else {
      super.log(message, ...optionalParams);
    }
  }
}

/**
 * Nest's logger for NestFactory, over the process's logger, so that what Nest logs while it
 * builds the app, and the error that stops a build, are lines of the same shape as the rest.
 * It stays the app's logger: request-scoped lines get their request's fields as with
 * nestjs-pino's own (both read the request's logger from the same store).
 */
export function nestLogger(logger: Pino): LoggerService {
  const params = { pinoHttp: requestLogOptions(logger) };
  return new ProcessNestLogger(new PinoLogger(params), params);
}
