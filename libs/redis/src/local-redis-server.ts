import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface LocalRedisOptions {
  /** Port to bind on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Directory for the append-only file. When set, data survives a restart on the same dir. */
  dataDir?: string;
  /** Path of the redis-server binary; `redis-server` on PATH by default. */
  binary?: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

function redisBinary(explicit?: string): string {
  const binary = explicit ?? 'redis-server';
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `No Redis server binary found ("${binary}"). Install one (Debian/Ubuntu: ` +
        `"apt-get install -y redis-server", macOS: "brew install redis"), point REDIS_SERVER_BIN ` +
        `at it, or set REDIS_URL to an existing Redis.`,
    );
  }
  return binary;
}

/**
 * A redis-server child process on loopback, for `npm start` without REDIS_URL and for tests.
 * It is started and awaited on its own "ready" log line, never on a sleep.
 */
export class LocalRedisServer {
  private process?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly options: LocalRedisOptions,
  ) {}

  static async start(options: LocalRedisOptions = {}): Promise<LocalRedisServer> {
    const server = new LocalRedisServer(options.port ?? (await freePort()), options);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null;
  }

  /** Starts the server again on the same port (and data directory) after `stop()`. */
  async restart(): Promise<void> {
    if (this.running) return;
    const persistence = this.options.dataDir
      ? ['--dir', this.options.dataDir, '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const child = spawn(
      redisBinary(this.options.binary),
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...persistence,
        '--maxmemory-policy',
        'noeviction',
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve, reject) => {
      const tail: string[] = [];
      lines.on('line', (line) => {
        tail.push(line);
        if (/Ready to accept connections/.test(line)) resolve();
      });
      child.once('exit', (code) =>
        reject(
          new Error(
            `redis-server exited with code ${code} before it was ready:\n${tail.slice(-5).join('\n')}`,
          ),
        ),
      );
      child.once('error', reject);
    });
    await ready;
    // Keep draining output so a full pipe never blocks the server.
    child.stderr!.resume();
  }

  /** Stops the server the way an outage looks to clients: connections drop, the port refuses. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}
