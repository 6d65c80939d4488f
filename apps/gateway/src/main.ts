import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { ConfigValidationError, GatewayEnv, validateEnv } from '@app/config';
import { ChannelRegistry } from './channels/channel-registry.service';
import { DEMO_ID } from './channels/demo-seeder.service';
import { GatewayModule } from './gateway.module';
import { configureFastify } from './http/fastify-setup';
import { protectQueueBoard } from './auth/queue-board-auth';

/** Development convenience: a fresh admin token when none is set (production requires one). */
function ensureAdminToken(): boolean {
  if (process.env.ADMIN_TOKEN || process.env.NODE_ENV === 'production') return false;
  process.env.ADMIN_TOKEN = randomBytes(24).toString('base64url');
  return true;
}

async function bootstrap(): Promise<void> {
  const generatedToken = ensureAdminToken();
  const module = GatewayModule.register(); // loads .env and validates; throws ConfigValidationError
  const env = validateEnv(GatewayEnv, process.env);
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: env.WEBHOOK_BODY_LIMIT }),
    // Fastify's own JSON parser, not Nest's extra ones (form bodies have no place here).
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  configureFastify(fastify, env.WEBHOOK_BODY_LIMIT);
  protectQueueBoard(fastify, env.ADMIN_TOKEN!);
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);

  const registry = app.get(ChannelRegistry);
  const demo = registry.list().find((c) => c.id === DEMO_ID);
  const lines = [
    `Webim bot gateway listening on http://${env.HOST}:${env.PORT}`,
    demo ? `Demo channel webhook URL: ${registry.webhookUrl(demo)}` : 'No demo channel',
    generatedToken
      ? `Admin token (generated; set ADMIN_TOKEN to choose one): ${env.ADMIN_TOKEN}`
      : 'Admin token: from ADMIN_TOKEN',
  ];
  console.log(`\n${lines.join('\n')}\n`);
  process.send?.({ type: 'ready', port: env.PORT });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Gateway failed to start:', error);
  process.exit(1);
});
