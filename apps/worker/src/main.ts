import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadEnv, WorkerEnv } from '@app/config';
import { nestLogger } from '@app/logging';
import { exitOnStartFailure, startLogging } from '@app/logging/start-up';
import { WorkerModule } from './worker.module';

const logging = startLogging('worker');

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
