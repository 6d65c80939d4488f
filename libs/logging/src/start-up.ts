import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { ConfigValidationError, EnvSources, readLogSettings } from '@app/config';
import { routeConsoleTo, routeWarningsTo } from './console-to-log';
import { RepeatLimiter } from './repeat-limiter';
import { prettyLogs, processLogger } from './process-logger';

/** A process's logging from its first line: before Nest, and whatever its settings hold. */
export interface StartUpLogging {
  logger: Pino;
  /** Lines are JSON (else pretty, for a person at a terminal). */
  json: boolean;
}

/**
 * The logging of a process (`app`: `gateway`, `worker`), set up first thing in main.ts: from
 * the log settings alone, read before the rest is validated, so that a wrong setting is itself
 * reported in the process's format. In JSON, whatever libraries print to the console, and
 * Node's warnings, become JSON lines too.
 */
export function startLogging(app: string, sources?: EnvSources): StartUpLogging {
  const settings = readLogSettings(sources);
  const logger = processLogger(app, settings);
  const json = !prettyLogs(settings);
  if (json) {
    const limiter = new RepeatLimiter();
    routeConsoleTo(logger, limiter);
    routeWarningsTo(logger, limiter);
  }
  return { logger, json };
}

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
  const params = { pinoHttp: { logger } };
  return new ProcessNestLogger(new PinoLogger(params), params);
}

/**
 * Reports why a process could not start, as one line (JSON), or as readable text on a terminal,
 * and exits with 1.
 */
export function exitOnStartFailure({ logger, json }: StartUpLogging, what: string) {
  return (error: unknown): never => {
    if (error instanceof ConfigValidationError) {
      if (json) {
        logger.error(
          { problems: error.problems },
          `Invalid configuration: ${error.problems.join('; ')}`,
        );
      } else {
        process.stderr.write(`${error.message}\n`);
      }
    } else if (json) {
      logger.error({ err: error }, `${what} failed to start: ${(error as Error)?.message}`);
    } else {
      process.stderr.write(`${what} failed to start: ${(error as Error)?.stack ?? error}\n`);
    }
    process.exit(1);
  };
}
