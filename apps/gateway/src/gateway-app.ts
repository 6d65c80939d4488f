import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { GatewayEnv } from '@app/config';
import { protectQueueBoard } from './auth/queue-board-auth';
import { GatewayModule, GatewayOptions } from './gateway.module';
import { serveApiDocs } from './http/api-docs';
import { collectRoutes, configureFastify } from './http/fastify-setup';
import { securityHeaders, skipSecurityHeadersOnWebhook } from './http/security-headers';

/** The gateway's application, not yet listening, and the routes it serves once it does. */
export interface GatewayApp {
  app: NestFastifyApplication;
  /** Filled in as the routes are registered, which the application does when it starts. */
  routes: string[];
}

/**
 * The gateway as a Nest application on Fastify, with all of its HTTP set-up: JSON and YAML
 * bodies, security headers, the queue board's sign-in and the API docs. Both the gateway's own
 * process and the bench's in-process gateway start from here, so that they serve the same HTTP.
 */
export async function createGatewayApp(
  env: GatewayEnv & { ADMIN_TOKEN: string },
  options: GatewayOptions = {},
): Promise<GatewayApp> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(env, options),
    new FastifyAdapter({ bodyLimit: env.WEBHOOK_BODY_LIMIT }),
    // Fastify's own JSON parser, not Nest's extra ones (form bodies have no place here).
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  const routes = collectRoutes(fastify);
  configureFastify(fastify, env.WEBHOOK_BODY_LIMIT);
  skipSecurityHeadersOnWebhook(fastify);
  await app.register(helmet, securityHeaders);
  protectQueueBoard(fastify, env.ADMIN_TOKEN);
  serveApiDocs(app);
  return { app, routes };
}
