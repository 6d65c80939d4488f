import helmet from '@fastify/helmet';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayEnv } from '@app/config';
import { nestLogger, processLogger } from '@app/logging';
import { protectQueueBoard } from './auth/queue-board-auth';
import { GatewayModule, GatewayOptions } from './gateway.module';
import { serveApiDocs } from './http/api-docs';
import { collectRoutes, configureFastify } from './http/fastify-setup';
import { securityHeaders, skipSecurityHeadersOnWebhook } from './http/security-headers';
import { serverOptions } from './http/server-options';
import { servePlayground } from './playground/serve-playground';
import { SignInLimiter } from './throttling/sign-in-limiter';

/**
 * The gateway as a Nest application on Fastify, not yet listening, with all of its HTTP set-up:
 * JSON and YAML bodies, security headers, the queue board's sign-in, the API docs, the
 * playground page, and the list
 * of routes logged once it listens. Both the gateway's own process and the bench's in-process
 * gateway start from here, so that they serve the same HTTP.
 */
export async function createGatewayApp(
  env: GatewayEnv & { ADMIN_TOKEN: string },
  options: GatewayOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(env, options),
    new FastifyAdapter(serverOptions(env)),
    {
      // The process's own logger from the first line, not buffered: a start that waits for
      // Redis says so while it waits, and one that fails says why in the same format (JSON in
      // production), not in Nest's coloured default.
      logger: nestLogger(processLogger('gateway', env)),
      // Fastify's own JSON parser, not Nest's extra ones (form bodies have no place here).
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const routes = collectRoutes(fastify);
  // By the time the server listens, every route is registered. A few KB: for debugging only.
  fastify.addHook('onListen', (done) => {
    new NestLogger(GatewayModule.name).debug({ routes: routes.sort() }, 'HTTP routes');
    done();
  });
  configureFastify(fastify, env.WEBHOOK_BODY_LIMIT);
  skipSecurityHeadersOnWebhook(fastify);
  await app.register(helmet, securityHeaders);
  protectQueueBoard(fastify, env.ADMIN_TOKEN, app.get(SignInLimiter));
  serveApiDocs(app);
  await servePlayground(app);
  return app;
}
