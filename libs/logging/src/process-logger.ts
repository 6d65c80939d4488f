import pino, { Logger as PinoLogger } from 'pino';
import type { LogSettings } from '@app/config';
import { REDACT_PATHS } from './redact';

/** Readable lines for a person at a terminal; JSON lines for everything else. */
export function prettyLogs(settings: LogSettings): boolean {
  if (settings.LOG_FORMAT !== 'auto') return settings.LOG_FORMAT === 'pretty';
  return settings.NODE_ENV === 'development' && process.stdout.isTTY === true;
}

const loggers = new Map<string, PinoLogger>();

/**
 * The one pino logger of a process, created on first use: main.ts uses it before Nest exists
 * (a start that fails, a setting that is wrong), and Nest's request logging is a child of it,
 * so that every line of the process has the same shape.
 *
 * JSON lines are written synchronously: a process stopped by a signal (Nest re-raises SIGTERM
 * once its shutdown hooks are done) or by `process.exit` would otherwise lose its last lines,
 * the ones that say how it ended. At `info` nothing is logged per answered request, so this
 * costs nothing on the hot path. Pretty output goes through pino-pretty's own worker thread.
 */
export function processLogger(app: string, settings: LogSettings): PinoLogger {
  const existing = loggers.get(app);
  if (existing) return existing;
  const options: pino.LoggerOptions = {
    level: settings.LOG_LEVEL,
    base: { app },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  const logger = prettyLogs(settings)
    ? pino({
        ...options,
        transport: {
          target: 'pino-pretty',
          options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
        },
      })
    : pino(options, pino.destination({ dest: 1, sync: true }));
  loggers.set(app, logger);
  return logger;
}
