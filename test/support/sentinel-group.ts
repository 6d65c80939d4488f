import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, RedisOptions } from 'ioredis';
import { freePort, Launcher, LocalRedisServer, settlesWithin } from '@app/launcher';
import { waitFor } from './wait-for';

/** The master's name in the Sentinels' configuration. */
export const MASTER_NAME = 'wg-main';

/** Timeouts of the Sentinels: short, so that a failover takes seconds, not half a minute. */
export interface SentinelTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
}

/**
 * Replicated Redis as production runs it: a master, a replica, and three Sentinels that agree
 * (quorum 2) when the master is down and promote the replica. All on free loopback ports, the
 * Sentinels being `redis-server --sentinel` (no other package), each awaited on its log, never
 * on a sleep. `replicaVia` puts a proxy (test/support/replication-link.ts) between the replica
 * and the master, so that a test can hold replication back.
 */
export class SentinelGroup {
  readonly dir = mkdtempSync(join(tmpdir(), 'wg-sentinel-'));
  readonly sentinelPorts: number[] = [];
  private readonly launcher = new Launcher();
  private readonly sentinels: ChildProcess[] = [];
  private readonly clients = new Map<number, Redis>();
  master!: LocalRedisServer;
  replica!: LocalRedisServer;

  private constructor(
    private readonly timings: SentinelTimings,
    /** The servers' password (`requirepass`), which the Sentinels and clients are given. */
    readonly password?: string,
  ) {}

  static async start(
    options: {
      timings?: SentinelTimings;
      replicaVia?: (masterPort: number) => Promise<number>;
      password?: string;
    } = {},
  ): Promise<SentinelGroup> {
    const group = new SentinelGroup(
      options.timings ?? { downAfterMs: 1000, failoverTimeoutMs: 3000 },
      options.password,
    );
    try {
      await group.startAll(options.replicaVia);
    } catch (error) {
      await group.close();
      throw error;
    }
    return group;
  }

  /** REDIS_SENTINELS for the apps. */
  get sentinelList(): string {
    return this.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** The settings that point an app at the group (the URL's host is not used, its password is). */
  get env(): Record<string, string> {
    return {
      REDIS_SENTINELS: this.sentinelList,
      REDIS_SENTINEL_MASTER: MASTER_NAME,
      ...(this.password && { REDIS_URL: `redis://:${this.password}@sentinel-named-master` }),
    };
  }

  /** Options of a test client that follows the master through the Sentinels. */
  get clientOptions(): RedisOptions {
    return {
      sentinels: this.sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
      name: MASTER_NAME,
      password: this.password,
    };
  }

  /** The port of the master the Sentinels name now. */
  async masterPort(): Promise<number> {
    const sentinel = this.client(this.sentinelPorts[0]);
    const [, port] = (await sentinel.call(
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      MASTER_NAME,
    )) as string[];
    return Number(port);
  }

  /** A client of one server (the master, the replica, a Sentinel), closed with the group. */
  client(port: number): Redis {
    let client = this.clients.get(port);
    if (!client) {
      const sentinel = this.sentinelPorts.includes(port);
      client = new Redis({
        port,
        host: '127.0.0.1',
        maxRetriesPerRequest: 1,
        password: sentinel ? undefined : this.password,
      });
      client.on('error', () => undefined);
      this.clients.set(port, client);
    }
    return client;
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) client.disconnect();
    await Promise.all(
      this.sentinels.map(async (sentinel) => {
        const exited = new Promise((resolve) => sentinel.once('exit', resolve));
        if (sentinel.exitCode === null && sentinel.signalCode === null) sentinel.kill('SIGKILL');
        await settlesWithin(exited, 5000);
      }),
    );
    await this.launcher.stop('SIGKILL');
  }

  private async startAll(replicaVia?: (masterPort: number) => Promise<number>): Promise<void> {
    const log = (name: string) => join(this.dir, `${name}.log`);
    // A replica's full sync writes dump.rdb into its directory, which is the working directory
    // unless given: each server gets its own, or the next redis-server started there loads it.
    const auth = this.password
      ? ['--requirepass', this.password, '--masterauth', this.password]
      : [];
    const dir = (name: string) => ['--dir', mkdtempSync(join(this.dir, `${name}-`)), ...auth];
    this.master = await this.launcher.startRedis({ logFile: log('master'), args: dir('master') });
    const upstream = replicaVia ? await replicaVia(this.master.port) : this.master.port;
    this.replica = await this.launcher.startRedis({
      logFile: log('replica'),
      args: [...dir('replica'), '--replicaof', '127.0.0.1', String(upstream)],
    });
    await waitFor(
      'the replica to be in sync',
      async () =>
        /master_link_status:up/.test(await this.client(this.replica.port).info('replication')),
      { timeoutMs: 10_000, everyMs: 50 },
    );
    for (let i = 0; i < 3; i++) await this.startSentinel(i);
    // A failover needs a majority of Sentinels that know each other and the replica; they
    // find out through the master's hello channel, every 2 s.
    await waitFor(
      'the Sentinels to know each other and the replica',
      async () => {
        for (const port of this.sentinelPorts) {
          const fields = (await this.client(port).call(
            'SENTINEL',
            'MASTER',
            MASTER_NAME,
          )) as string[];
          const info = Object.fromEntries(
            fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])),
          );
          if (info['num-other-sentinels'] !== '2' || info['num-slaves'] !== '1') return false;
        }
        return true;
      },
      { timeoutMs: 15_000, everyMs: 100 },
    );
  }

  private async startSentinel(index: number): Promise<void> {
    const port = await freePort();
    const conf = join(this.dir, `sentinel-${index}.conf`);
    const { downAfterMs, failoverTimeoutMs } = this.timings;
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${this.master.port} 2`,
        ...(this.password ? [`sentinel auth-pass ${MASTER_NAME} ${this.password}`] : []),
        `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfterMs}`,
        `sentinel failover-timeout ${MASTER_NAME} ${failoverTimeoutMs}`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    const child = spawn('redis-server', [conf, '--sentinel'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.sentinels.push(child);
    const logFile = createWriteStream(join(this.dir, `sentinel-${index}.log`));
    child.stderr!.pipe(logFile, { end: false });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        logFile.write(chunk);
        output += chunk.toString();
        if (/\+monitor master/.test(output)) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-sentinel exited (${code}):\n${output}`)),
      );
      child.once('error', reject);
    });
    this.sentinelPorts.push(port);
  }
}
