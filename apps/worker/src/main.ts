import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadEnv, readLogSettings, WorkerEnv } from '@app/config';
import { exitOnStartFailure, nestLogger, startLogging } from '@app/logging';
import { WorkerModule } from './worker.module';

const logging = startLogging('worker', readLogSettings());

/** The script engine needs no HTTP server: an application context runs its queue workers. */
async function bootstrap(): Promise<void> {
  const env = loadEnv(WorkerEnv); // throws ConfigValidationError
  const app = await NestFactory.createApplicationContext(WorkerModule.register(env), {
    // The process's own logger from the first line (see the gateway's createGatewayApp).
    logger: nestLogger(logging.logger),
  });
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('Worker ready');
  process.send?.({ type: 'ready' });
}

bootstrap().catch(exitOnStartFailure(logging, 'Worker'));
