import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, loadEnv, WorkerEnv } from '@app/config';
import { WorkerModule } from './worker.module';

/** The script engine needs no HTTP server: an application context runs its queue workers. */
async function bootstrap(): Promise<void> {
  const env = loadEnv(WorkerEnv); // throws ConfigValidationError
  const app = await NestFactory.createApplicationContext(WorkerModule.register(env), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('Worker ready');
  process.send?.({ type: 'ready' });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Worker failed to start:', error);
  process.exit(1);
});
