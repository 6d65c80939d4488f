import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { GeneratedSettings } from './generated-settings';

/** What the stack keeps in its folder; `--fresh` removes these and nothing else. */
const KEPT = ['redis', 'logs', GeneratedSettings.FILE];
const LOCK = 'stack.pid';

/**
 * The folder `npm start` keeps its work in between starts: the embedded Redis's append-only
 * file (`redis/`), the tokens and keys it generated (`generated.env`), and the processes' logs
 * (`logs/`). One stack at a time may use it: two Redis servers writing one append-only file
 * would corrupt it, so the folder is locked with the stack's pid while it runs.
 */
export class DataFolder {
  readonly generated: GeneratedSettings;

  private constructor(
    readonly path: string,
    private readonly cwd: string,
  ) {
    this.generated = new GeneratedSettings(join(path, GeneratedSettings.FILE));
  }

  /**
   * Creates the folder if needed and locks it; `fresh` empties it first. Throws when another
   * stack that is still running holds the lock, or the Redis of one that was killed still runs.
   */
  static open(dir: string, { fresh = false, cwd = process.cwd() } = {}): DataFolder {
    const folder = new DataFolder(resolve(cwd, dir), cwd);
    mkdirSync(folder.path, { recursive: true, mode: 0o700 });
    folder.lock();
    try {
      folder.refuseLeftoverRedis();
    } catch (error) {
      folder.close();
      throw error;
    }
    if (fresh) {
      for (const entry of KEPT) rmSync(join(folder.path, entry), { recursive: true, force: true });
    }
    for (const sub of ['redis', 'logs'])
      mkdirSync(join(folder.path, sub), { mode: 0o700, recursive: true });
    return folder;
  }

  get redisDir(): string {
    return join(this.path, 'redis');
  }

  /** Where the embedded Redis writes its pid while it runs (it removes the file as it stops). */
  get redisPidFile(): string {
    return join(this.redisDir, 'redis-server.pid');
  }

  /**
   * The log file of one process (`gateway`, `worker`, `redis`). The previous start's log is kept
   * beside it as `<name>.previous.log`, so a crash's log survives the restart that follows.
   */
  logFile(name: string): string {
    const file = join(this.path, 'logs', `${name}.log`);
    if (existsSync(file)) renameSync(file, join(this.path, 'logs', `${name}.previous.log`));
    return file;
  }

  /** How to show a path inside the folder to the person who started the stack. */
  shown(path = this.path): string {
    const fromCwd = relative(this.cwd, path);
    return fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : path;
  }

  /** Releases the lock, if it is still this process's. */
  close(): void {
    const lock = join(this.path, LOCK);
    if (readPid(lock) === process.pid) rmSync(lock, { force: true });
  }

  /**
   * A stack killed outright (SIGKILL) leaves its Redis running, still writing to the append-only
   * file: a second server on the same file would corrupt it. The pid is checked to be a
   * redis-server's, so that a pid reused since by another program is not mistaken for it.
   */
  private refuseLeftoverRedis(): void {
    const pid = readPid(this.redisPidFile);
    if (pid === undefined || !isAlive(pid)) return;
    const name = spawnSync('ps', ['-p', String(pid), '-o', 'comm='], { encoding: 'utf8' }).stdout;
    if (!name?.includes('redis')) return;
    throw new Error(
      `A redis-server left running by an earlier npm start (pid ${pid}) still holds ` +
        `${this.shown(this.redisDir)}: stop it (kill ${pid}) and start again`,
    );
  }

  private lock(): void {
    const lock = join(this.path, LOCK);
    const holder = readPid(lock);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `Another npm start (pid ${holder}) is using the data folder ${this.shown()}: stop it ` +
          'first, or set STACK_DATA_DIR to another folder',
      );
    }
    // A lock left by a stack that was killed is taken over.
    writeFileSync(lock, `${process.pid}\n`, { mode: 0o600 });
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
