import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { SharedEnv } from '@app/config';
import { isRoutineRequest } from './routine-requests';
import { processLogger } from './process-logger';
import { redactUrl } from './redact';

/**
 * pino-http's options, the same wherever nestjs-pino is given them: since nestjs-pino 5 the
 * first logger it builds (Nest's own, see nestLogger) is also the request logger, with that
 * first caller's options.
 */
export function requestLogOptions(logger: Logger) {
  return {
    logger,
    // Errors too at `info`, as pino-http does by default: the error's own line (the
    // exception filter's) says what went wrong, at the level it deserves.
    customLogLevel: (req: IncomingMessage) => (isRoutineRequest(req.url) ? 'debug' : 'info'),
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      // Response headers (security headers, rate-limit counters) say nothing useful.
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  } as const;
}

/**
 * pino for every app: JSON lines in production, readable lines for a person at a terminal (see
 * processLogger, whose child the request logger is). Webhook requests are not access-logged one
 * by one (the turn's own log line says more, and thousands of lines a second would cost more
 * than the turn); probes, scrapes and static assets only at `debug`; everything else at `info`.
 */
@Module({})
export class AppLoggerModule {
  static forApp<T extends SharedEnv>(app: string, envClass: new () => T): DynamicModule {
    return {
      module: AppLoggerModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [envClass],
          useFactory: (env: T) => ({
            pinoHttp: requestLogOptions(processLogger(app, env)),
            // Webhook requests get no request logger at all: their turn's own log line carries
            // channel, chat and job ids, and a child logger per request costs more than it says.
            exclude: [{ method: RequestMethod.ALL, path: 'webim/*path' }],
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
