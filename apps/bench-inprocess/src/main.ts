import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import helmet from '@fastify/helmet';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, GatewayEnv, loadGatewayEnv } from '@app/config';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { configureFastify } from '../../gateway/src/http/fastify-setup';
import {
  securityHeaders,
  skipSecurityHeadersOnWebhook,
} from '../../gateway/src/http/security-headers';
import { protectQueueBoard } from '../../gateway/src/auth/queue-board-auth';
import { TurnDispatcher } from '../../gateway/src/turns/turn-dispatcher.service';
import { InProcessTurns } from './in-process-turns';

// BENCH ONLY. The gateway answering Webim without the queue hop, for `npm run bench` to measure
// the hop's cost side by side (docs/performance.md). Not a product feature:
// `npm start`, `npm run build`, the image and the deployment never build or run it.
// It is a hand-written in-process bot: GET the chat's state, run the agent, SET it, answer.
// Everything else (Fastify, Nest routing, the webhook controller, channels, the agent cache,
// metrics, logging) is the gateway's own module, with its TurnDispatcher replaced.
// (The product itself without BullMQ is the gateway with TURN_DRIVER=in-process.)

/**
 * The gateway's module with the dispatcher of its turns module replaced. Nest's testing module
 * is what can override a provider wherever the module graph declares it.
 */
function baselineModule(env: GatewayEnv) {
  return Test.createTestingModule({ imports: [GatewayModule.register(env)] })
    .overrideProvider(TurnDispatcher)
    .useClass(InProcessTurns)
    .compile();
}

async function bootstrap(): Promise<void> {
  // As NestFactory's bufferLogs does: what Nest logs while it builds the modules waits for pino.
  NestLogger.attachBuffer();
  const { env } = loadGatewayEnv();
  const module = await baselineModule(env);
  const app = module.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter({ bodyLimit: env.WEBHOOK_BODY_LIMIT }),
    { bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  NestLogger.flush();
  const fastify = app.getHttpAdapter().getInstance();
  configureFastify(fastify, env.WEBHOOK_BODY_LIMIT);
  // As the gateway: the webhook answers Webim, not a browser.
  skipSecurityHeadersOnWebhook(fastify);
  await app.register(helmet, securityHeaders);
  protectQueueBoard(fastify, env.ADMIN_TOKEN!);
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log('Bench in-process gateway ready');
  process.send?.({ type: 'ready', port: env.PORT });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Bench in-process gateway failed to start:', error);
  process.exit(1);
});
