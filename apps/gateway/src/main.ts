import 'reflect-metadata';
import { loadGatewayEnv, readLogSettings } from '@app/config';
import { exitOnStartFailure, startLogging } from '@app/logging';
import { ChannelRegistry } from './channels/channel-registry.service';
import { DEMO_ID } from './channels/demo-seeder.service';
import { createGatewayApp } from './gateway-app';
import { closeGracefully } from './http/graceful-shutdown';

/** Beyond the reply budget: settling the last turns, closing queues and connections. */
const SHUTDOWN_SLACK_MS = 5000;

const logging = startLogging('gateway', readLogSettings());

async function bootstrap(): Promise<void> {
  const { env, adminTokenGenerated } = loadGatewayEnv(); // throws ConfigValidationError
  const app = await createGatewayApp(env);
  closeGracefully(app, env.REPLY_BUDGET_MS + SHUTDOWN_SLACK_MS);
  await app.listen(env.PORT, env.HOST);

  const registry = app.get(ChannelRegistry);
  const demo = registry.list().find((c) => c.id === DEMO_ID);
  // The webhook URL holds a secret: shown on a developer's terminal, never in other logs.
  const showSecrets = env.NODE_ENV === 'development';
  const demoWebhookUrl = demo && showSecrets ? registry.webhookUrl(demo) : undefined;
  if (process.send) {
    // Started by a launcher (`npm start`), which shows these once every process is ready.
    process.send({ type: 'ready', port: env.PORT, demoWebhookUrl });
    return;
  }
  const lines = [
    `Webim bot gateway listening on http://${env.HOST}:${env.PORT}`,
    demoWebhookUrl
      ? `Demo channel webhook URL: ${demoWebhookUrl}`
      : 'Webhook URLs: GET /api/channels',
    adminTokenGenerated
      ? `Admin token (generated; set ADMIN_TOKEN to choose one): ${env.ADMIN_TOKEN}`
      : 'Admin token: from ADMIN_TOKEN',
  ];
  // A person reads these at a terminal; a log pipeline gets one line of JSON each.
  if (logging.json) for (const line of lines) logging.logger.info(line);
  else console.log(`\n${lines.join('\n')}\n`);
}

bootstrap().catch(exitOnStartFailure(logging, 'Gateway'));
