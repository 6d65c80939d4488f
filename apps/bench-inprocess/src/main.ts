import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { loadGatewayEnv, readLogSettings } from '@app/config';
import { exitOnStartFailure, startLogging } from '@app/logging';
import { createGatewayApp } from '../../gateway/src';
import { InProcessTurns } from './in-process-turns';

// BENCH ONLY. The gateway answering Webim without the queue hop, for `npm run bench` to measure
// the hop's cost side by side (docs/performance.md). Not a product feature:
// `npm start`, `npm run build`, the image and the deployment never build or run it.
// It is a hand-written in-process bot: GET the chat's state, run the agent, SET it, answer.
// Everything else (Fastify, Nest routing, the webhook controller, channels, the agent cache,
// metrics, logging) is the gateway's own application, with its TurnDispatcher replaced.
// (The product itself without BullMQ is the gateway with TURN_DRIVER=in-process.)

const logging = startLogging('gateway', readLogSettings());

async function bootstrap(): Promise<void> {
  const { env } = loadGatewayEnv();
  const app = await createGatewayApp(env, { turnDispatcher: InProcessTurns });
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log('Bench in-process gateway ready');
  process.send?.({ type: 'ready', port: env.PORT });
}

bootstrap().catch(exitOnStartFailure(logging, 'Bench in-process gateway'));
