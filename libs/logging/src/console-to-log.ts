import type { Logger as PinoLogger } from 'pino';
import { formatWithOptions } from 'node:util';
import { RepeatLimiter } from './repeat-limiter';

type ConsoleMethod = 'log' | 'info' | 'debug' | 'trace' | 'warn' | 'error';

const LEVELS: Record<ConsoleMethod, 'info' | 'debug' | 'warn' | 'error'> = {
  log: 'info',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
  warn: 'warn',
  error: 'error',
};

/**
 * Makes what libraries print to the console lines of `logger`, for a process whose logs are
 * JSON: BullMQ prints a queue's connection errors with `console.error` when nobody listens for
 * them, Node prints warnings, and each such multi-line print would break a log pipeline that
 * reads one JSON object per line. The same line repeated (a reconnect failing every two
 * seconds) is written once per interval with the number of repeats dropped (`suppressed`).
 */
export function routeConsoleTo(logger: PinoLogger, limiter = new RepeatLimiter()): void {
  const target = console as unknown as Record<ConsoleMethod, (...args: unknown[]) => void>;
  for (const [method, level] of Object.entries(LEVELS) as [ConsoleMethod, typeof LEVELS.log][]) {
    target[method] = (...args: unknown[]) => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      const rest = args.filter((arg) => arg !== error);
      const text = rest.length > 0 ? formatWithOptions({ colors: false }, ...rest) : '';
      const msg = text || error?.message || '';
      const { log, suppressed } = limiter.occurred(`${level}\n${msg}`);
      if (!log) return;
      logger[level](
        { context: 'console', ...(error && { err: error }), ...(suppressed > 0 && { suppressed }) },
        msg,
      );
    };
  }
}

/**
 * Makes Node's process warnings (a deprecation, a listener leak) lines of `logger` instead of
 * Node's own `(node:123) Warning: …` text on stderr, rate-limited like the console's.
 */
export function routeWarningsTo(
  logger: PinoLogger,
  limiter = new RepeatLimiter(),
  target: Pick<NodeJS.Process, 'on' | 'removeAllListeners'> = process,
): void {
  // Node prints warnings from a listener of its own; without it they are only emitted.
  target.removeAllListeners('warning');
  target.on('warning', (warning: Error & { code?: string }) => {
    const { log, suppressed } = limiter.occurred(`warning\n${warning.name}\n${warning.message}`);
    if (!log) return;
    logger.warn(
      {
        context: 'process',
        warning: warning.name,
        ...(warning.code && { code: warning.code }),
        ...(suppressed > 0 && { suppressed }),
      },
      warning.message,
    );
  });
}
