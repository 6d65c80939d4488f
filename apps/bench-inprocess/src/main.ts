import 'reflect-metadata';
import type { Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, loadGatewayEnv } from '@app/config';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { configureFastify } from '../../gateway/src/http/fastify-setup';
import {
  securityHeaders,
  skipSecurityHeadersOnWebhook,
} from '../../gateway/src/http/security-headers';
import { protectQueueBoard } from '../../gateway/src/auth/queue-board-auth';
import { TurnDispatcher } from '../../gateway/src/turns/turn-dispatcher.service';
import { TurnQueue } from '../../gateway/src/turns/turn-queue.service';
import { TurnEngineModule } from '@app/turn-engine';
import { DirectTurnQueue } from './direct-turn-queue';
import { InProcessTurns } from './in-process-turns';

// BENCH ONLY. The gateway answering Webim without the queue hop, for `npm run bench` to measure
// the hop's cost side by side (docs/performance.md). Not a product feature:
// `npm start`, `npm run build`, the image and the deployment never build or run it.
//   BENCH_INPROCESS_MODE=kv      a hand-written in-process bot: GET state, run the agent, SET
//   BENCH_INPROCESS_MODE=direct  the product's dispatcher and the worker's TurnExecutor in one
//                                process: everything but BullMQ
// Everything else (Fastify, Nest routing, the webhook controller, channels, the agent cache,
// metrics, logging) is the gateway's own module.

type Mode = 'kv' | 'direct';

function baselineProviders(providers: Provider[], mode: Mode): Provider[] {
  if (mode === 'kv') {
    return providers.map((p) =>
      p === TurnDispatcher ? { provide: TurnDispatcher, useClass: InProcessTurns } : p,
    );
  }
  return [
    ...providers.filter((p) => p !== TurnQueue),
    // The TurnDispatcher gets DirectTurnQueue; Bull Board and the gauges keep the real queue.
    { provide: TurnQueue, useClass: DirectTurnQueue },
  ];
}

async function bootstrap(): Promise<void> {
  const mode = (process.env.BENCH_INPROCESS_MODE ?? 'kv') as Mode;
  if (mode !== 'kv' && mode !== 'direct') {
    throw new Error(`BENCH_INPROCESS_MODE must be kv or direct, not "${String(mode)}"`);
  }
  const { env } = loadGatewayEnv();
  const module = GatewayModule.register(env);
  module.providers = baselineProviders(module.providers ?? [], mode);
  if (mode === 'direct') module.imports = [...(module.imports ?? []), TurnEngineModule];
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: env.WEBHOOK_BODY_LIMIT }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  configureFastify(fastify, env.WEBHOOK_BODY_LIMIT);
  // As the gateway: the webhook answers Webim, not a browser.
  skipSecurityHeadersOnWebhook(fastify);
  await app.register(helmet, securityHeaders);
  protectQueueBoard(fastify, env.ADMIN_TOKEN);
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log({ mode }, 'Bench in-process gateway ready');
  process.send?.({ type: 'ready', port: env.PORT, mode });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Bench in-process gateway failed to start:', error);
  process.exit(1);
});
