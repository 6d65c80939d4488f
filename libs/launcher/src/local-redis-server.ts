import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { isRunning, stopChild } from './stop-child';

export interface LocalRedisOptions {
  /** Directory for the append-only file. When set, data survives a restart on the same dir. */
  dataDir?: string;
  /**
   * When the append-only file is flushed to disk: `always` (every write survives a crash of the
   * machine; the tests' default) or `everysec` (at most a second lost, far fewer fsyncs).
   */
  appendfsync?: 'always' | 'everysec';
  /** A file the server writes its pid to while it runs, to find it should it outlive its starter. */
  pidFile?: string;
  /** Path of the redis-server binary; `redis-server` on PATH by default. */
  binary?: string;
  /** The file its log is appended to; the log is dropped when omitted. */
  logFile?: string;
  /** More redis-server arguments (`--tls-port`, `--replicaof`, ...), after the product's own. */
  args?: string[];
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
 * A redis-server child process on loopback, configured as the product needs its Redis
 * (noeviction: an evicted key would lose a job or a conversation). It is awaited on its own
 * "ready" log line, never on a sleep. Started through a Launcher, which stops it with the rest.
 */
export class LocalRedisServer {
  private process?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly options: LocalRedisOptions = {},
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process !== undefined && isRunning(this.process);
  }

  /** Starts the server, or starts it again on the same port (and data directory) after stop(). */
  async restart(): Promise<void> {
    if (this.running) return;
    const persistence = this.options.dataDir
      ? [
          ...['--dir', this.options.dataDir, '--appendonly', 'yes'],
          ...['--appendfsync', this.options.appendfsync ?? 'always'],
        ]
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
        ...(this.options.pidFile ? ['--pidfile', this.options.pidFile] : []),
        '--maxmemory-policy',
        'noeviction',
        '--loglevel',
        'notice',
        ...(this.options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    // Both streams are always read: a full pipe would block the server.
    if (this.options.logFile) {
      const log = createWriteStream(this.options.logFile, { flags: 'a' });
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      child.once('close', () => log.end());
    } else {
      child.stdout!.resume();
      child.stderr!.resume();
    }
    let output = '';
    let readUntilReady: ((chunk: Buffer) => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        readUntilReady = (chunk) => {
          output += chunk.toString();
          if (/Ready to accept connections/.test(output)) resolve();
        };
        child.stdout!.on('data', readUntilReady);
        child.once('exit', (code) => {
          const tail = output.trimEnd().split('\n').slice(-5).join('\n');
          reject(new Error(`redis-server exited with code ${code} before it was ready:\n${tail}`));
        });
        child.once('error', reject);
      });
    } finally {
      child.stdout!.off('data', readUntilReady!);
    }
  }

  /** Stops the server the way an outage looks to clients: connections drop, the port refuses. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.process) await stopChild(this.process, 'redis-server', signal);
  }
}
