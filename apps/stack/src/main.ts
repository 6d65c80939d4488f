import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadEnv, StackEnv } from '@app/config';
import { Launcher } from '@app/launcher';
import { egressAllowingShop, ExampleShopServer } from './example-shop';

// `npm start`: the whole product on one machine. Without REDIS_URL (or REDIS_SENTINELS) an
// embedded redis-server is started (ephemeral: nothing is kept on disk); then one gateway and one
// worker process. Ctrl-C stops them all, the gateway and worker first so they finish what they
// are doing. The children inherit this environment, working directory and terminal, so they
// read the same `.env`.

async function main(): Promise<void> {
  // REDIS_URL in `.env` counts as set: an embedded Redis would override it.
  const settings = loadEnv(StackEnv);
  const launcher = new Launcher();
  let shop: ExampleShopServer | undefined;
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    Promise.all([launcher.stop(), shop?.stop()]).then(
      () => process.exit(code),
      (error: Error) => {
        console.error(error.message);
        process.exit(code || 1);
      },
    );
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  const env = { ...process.env };
  // First, so that a taken port stops the start before anything else is running.
  if (settings.EXAMPLE_SHOP_PORT !== 0) {
    const token = settings.EXAMPLE_SHOP_TOKEN ?? randomBytes(18).toString('base64url');
    shop = await ExampleShopServer.start(settings.EXAMPLE_SHOP_PORT, token);
    Object.assign(env, egressAllowingShop(settings, shop.url));
    console.log(`Example shop on ${shop.url}/orders/{id} (EXAMPLE_SHOP_PORT=0 turns it off)`);
    console.log(
      `Example shop token${settings.EXAMPLE_SHOP_TOKEN ? '' : ' (generated; set EXAMPLE_SHOP_TOKEN to choose one)'}: ${token}`,
    );
  }
  if (!settings.REDIS_URL && !settings.REDIS_SENTINELS) {
    const redis = await launcher.startRedis({ binary: settings.REDIS_SERVER_BIN });
    env.REDIS_URL = redis.url;
    console.log(`Embedded Redis on ${redis.url} (ephemeral; set REDIS_URL to use your own)`);
  }
  if (!settings.SECRETS_KEY) {
    // The gateway seals the secrets the worker's call and llm steps open: one key for both.
    env.SECRETS_KEY = randomBytes(32).toString('hex');
    console.log(
      'SECRETS_KEY is not set: the gateway and worker share a key for this run, so secrets ' +
        'stored now cannot be read after a restart',
    );
  }
  const start = (app: 'gateway' | 'worker') =>
    launcher.startApp({ name: app, script: join(__dirname, '..', app, 'main.js'), env });
  try {
    const apps = await Promise.all([start('worker'), start('gateway')]);
    for (const app of apps) {
      void app.exited.then(({ code, signal }) => {
        if (stopping) return;
        console.error(`The ${app.name} exited (${signal ?? code}); stopping the rest.`);
        stop(code || 1);
      });
    }
  } catch (error) {
    // A start cut short by Ctrl-C is no error.
    if (!stopping) console.error((error as Error).message);
    stop(1);
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(1);
});
