import { AppProcess, AppProcessOptions, READY_LIMIT_MS } from './app-process';
import { freePort } from './free-port';
import { LocalRedisOptions, LocalRedisServer } from './local-redis-server';

/**
 * Starts the processes of one stack of the product (an embedded Redis, a gateway, workers) and
 * stops them all together. Each is in its stop from the moment it is spawned, so a stop during
 * a start leaves nothing behind.
 */
export class Launcher {
  private readonly apps: AppProcess[] = [];
  private readonly redisServers: LocalRedisServer[] = [];
  private stopping?: Promise<void>;

  /** A redis-server of its own on a free port. */
  async startRedis(options: LocalRedisOptions = {}): Promise<LocalRedisServer> {
    const server = new LocalRedisServer(await freePort(), options);
    this.redisServers.push(server);
    await server.restart();
    return server;
  }

  /**
   * A process, spawned and not waited for: startApp waits for its ready message, and the starter
   * of a program that sends none finds out in its own way when it serves.
   */
  spawnApp(options: AppProcessOptions): AppProcess {
    const app = AppProcess.spawn(options);
    this.apps.push(app);
    return app;
  }

  /** An app process, once it has reported ready; one that does not is killed, and this throws. */
  async startApp(options: AppProcessOptions, readyLimitMs = READY_LIMIT_MS): Promise<AppProcess> {
    const app = this.spawnApp(options);
    try {
      await app.ready(readyLimitMs);
    } catch (error) {
      await app.stop('SIGKILL').catch(() => undefined); // the start's error says more
      throw error;
    }
    return app;
  }

  /**
   * Stops every process started, bounded (see AppProcess.stop): the apps together first, so
   * that they finish their work while Redis still answers, then Redis. Throws the first failure
   * once all are stopped. Later calls wait for the first.
   */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping ??= this.stopAll(signal);
    return this.stopping;
  }

  private async stopAll(signal: NodeJS.Signals): Promise<void> {
    const results = await Promise.allSettled(this.apps.map((app) => app.stop(signal)));
    results.push(
      ...(await Promise.allSettled(this.redisServers.map((server) => server.stop(signal)))),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
