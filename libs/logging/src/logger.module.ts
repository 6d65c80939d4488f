import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { IncomingMessage } from 'node:http';
import type { SharedEnv } from '@app/config';
import { REDACT_PATHS, redactUrl } from './redact';

function pretty(env: SharedEnv): boolean {
  if (env.LOG_FORMAT !== 'auto') return env.LOG_FORMAT === 'pretty';
  return env.NODE_ENV === 'development' && process.stdout.isTTY === true;
}

/**
 * JSON lines are written synchronously: a process stopped by a signal (Nest re-raises SIGTERM
 * once its shutdown hooks are done) would otherwise lose its last lines, the ones that say how
 * the shutdown went. At `info` nothing is logged per answered request, so this costs nothing
 * on the hot path. Pretty output goes through pino-pretty's own worker thread.
 */
function withDestination(env: SharedEnv, options: Options): Options | [Options, DestinationStream] {
  return pretty(env) ? options : [options, pino.destination({ dest: 1, sync: true })];
}

/**
 * pino for every app: JSON lines in production, readable lines for a person at a terminal.
 * Webhook requests are not access-logged one by one (the turn's own log line says more, and
 * thousands of lines a second would cost more than the turn); everything else is.
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
            pinoHttp: withDestination(env, {
              level: env.LOG_LEVEL,
              base: { app },
              redact: { paths: REDACT_PATHS, censor: '[redacted]' },
              transport: pretty(env)
                ? {
                    target: 'pino-pretty',
                    options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
                  }
                : undefined,
              autoLogging: {
                // Prometheus scrapes every few seconds: one line each would be noise.
                ignore: (req: IncomingMessage) => req.url === '/metrics',
              },
              serializers: {
                req: (req: { id?: unknown; method?: string; url?: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: redactUrl(req.url),
                }),
                // Response headers (security headers, rate-limit counters) say nothing useful.
                res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
              },
            }),
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
