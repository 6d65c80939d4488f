import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadEnv, StackEnv } from '@app/config';
import { AppProcess, Launcher } from '@app/launcher';
import { banner } from './banner';
import { DataFolder } from './data-folder';
import { egressAllowingShop, ExampleShopServer } from './example-shop';
import { startOptions, UsageError } from './start-options';

// `npm start`: the whole product on one machine, keeping its work between starts. Without
// REDIS_URL (or REDIS_SENTINELS) an embedded redis-server is started on an append-only file in the data folder (`.data`);
// the tokens and keys it generates are kept there too, so agents, channels, webhook URLs, stored
// secrets and the admin token survive a restart (`--fresh` starts empty). Then one gateway and one
// worker. Ctrl-C stops them all, the gateway and worker first so they finish what they are doing.
// The children inherit this environment and working directory, so they read the same `.env`; on a
// terminal their logs go to files and this process prints one line per process ready, then the
// banner, last.

async function main(): Promise<void> {
  // REDIS_URL in `.env` counts as set: an embedded Redis would override it.
  const settings = loadEnv(StackEnv);
  const options = startOptions(process.argv.slice(2), settings, process.stdout.isTTY === true);
  const data = DataFolder.open(settings.STACK_DATA_DIR, { fresh: options.fresh });
  process.once('exit', () => data.close());
  const short = options.output === 'short';
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
  // A closed terminal: stop as tidily as on Ctrl-C, rather than die and leave Redis behind.
  process.on('SIGHUP', () => stop(0));

  const env = { ...process.env };
  const kept = (name: string, make: () => string) => {
    env[name] = data.generated.get(name, make);
    return env[name];
  };
  if (options.fresh && settings.REDIS_URL) {
    console.log(
      `--fresh: the Redis at REDIS_URL is left as it is; only ${data.shown()} was emptied`,
    );
  }
  // First, so that a taken port stops the start before anything else is running.
  if (settings.EXAMPLE_SHOP_PORT !== 0) {
    const token =
      settings.EXAMPLE_SHOP_TOKEN ??
      kept('EXAMPLE_SHOP_TOKEN', () => randomBytes(18).toString('base64url'));
    shop = await ExampleShopServer.start(settings.EXAMPLE_SHOP_PORT, token);
    Object.assign(env, egressAllowingShop(settings, shop.url));
    console.log(`Example shop on ${shop.url}/orders/{id} (EXAMPLE_SHOP_PORT=0 turns it off)`);
    console.log(
      `Example shop token${settings.EXAMPLE_SHOP_TOKEN ? '' : ' (generated; set EXAMPLE_SHOP_TOKEN to choose one)'}: ${token}`,
    );
  }
  if (!settings.REDIS_URL && !settings.REDIS_SENTINELS) {
    const redis = await launcher.startRedis({
      binary: settings.REDIS_SERVER_BIN,
      dataDir: data.redisDir,
      pidFile: data.redisPidFile,
      // A local loop: a second of writes lost to a power cut is no loss, an fsync per write is.
      appendfsync: 'everysec',
      logFile: data.logFile('redis'),
    });
    env.REDIS_URL = redis.url;
    console.log(
      `Redis ready: embedded on ${redis.url}, its data in ${data.shown(data.redisDir)} ` +
        '(set REDIS_URL to use your own)',
    );
  }
  if (!settings.SECRETS_KEY) {
    // The gateway seals the secrets the worker's call and llm steps open: one key for both, and
    // the same at the next start, or the secrets stored now could not be opened then.
    kept('SECRETS_KEY', () => randomBytes(32).toString('hex'));
    console.log(
      `SECRETS_KEY is not set: the gateway and worker share a key kept in ${data.shown(data.generated.file)}`,
    );
  }
  // Production requires a token of one's own: the gateway refuses to start without one.
  const generatedAdminToken =
    settings.ADMIN_TOKEN || settings.NODE_ENV === 'production'
      ? undefined
      : kept('ADMIN_TOKEN', () => randomBytes(24).toString('base64url'));
  // Their logs go to files: a terminal gets the lines below, not each module's start-up line.
  if (short) env.LOG_FORMAT = 'json';
  const start = async (app: 'gateway' | 'worker'): Promise<AppProcess> => {
    const started = await launcher.startApp({
      name: app,
      script: join(__dirname, '..', app, 'main.js'),
      env,
      logFile: short ? data.logFile(app) : undefined,
    });
    const report = await started.ready();
    const where = app === 'gateway' ? ` on port ${report.port}` : '';
    console.log(`${app === 'gateway' ? 'Gateway' : 'Worker'} ready${where}`);
    return started;
  };
  try {
    const apps = await Promise.all([start('worker'), start('gateway')]);
    for (const app of apps) {
      void app.exited.then(({ code, signal }) => {
        if (stopping) return;
        const log = app.logFile ? ` (its log: ${data.shown(app.logFile)})` : '';
        console.error(`The ${app.name} exited (${signal ?? code})${log}; stopping the rest.`);
        stop(code || 1);
      });
    }
    const report = await apps[1].ready();
    console.log(
      banner({
        port: report.port ?? 0,
        demoWebhookUrl: report.demoWebhookUrl,
        generatedAdminToken,
        dataDir: data.shown(),
        logsDir: short ? data.shown(join(data.path, 'logs')) : undefined,
      }),
    );
  } catch (error) {
    // A start cut short by Ctrl-C is no error.
    if (!stopping) console.error((error as Error).message);
    stop(1);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error((error as Error).message ?? error);
  process.exit(1);
});
