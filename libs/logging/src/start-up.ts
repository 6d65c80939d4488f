import type { Logger as Pino } from 'pino';
// Types only: @app/config's env classes import libraries that log, so a value imported from it
// here would close an import cycle.
import type { ConfigValidationError, LogSettings } from '@app/config';
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
 * the log settings alone (@app/config's readLogSettings), read before the rest is validated,
 * so that a wrong setting is itself reported in the process's format. In JSON, whatever
 * libraries print to the console, and Node's warnings, become JSON lines too.
 */
export function startLogging(app: string, settings: LogSettings): StartUpLogging {
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
 * Reports why a process could not start, as one line (JSON), or as readable text on a terminal,
 * and exits with 1.
 */
export function exitOnStartFailure({ logger, json }: StartUpLogging, what: string) {
  return (error: unknown): never => {
    if (isConfigError(error)) {
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

function isConfigError(error: unknown): error is ConfigValidationError {
  return (
    error instanceof Error &&
    error.name === 'ConfigValidationError' &&
    Array.isArray((error as Partial<ConfigValidationError>).problems)
  );
}
