import { ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { isRunning, stopChild, STOP_GRACE_MS } from './stop-child';

/** How long an app may take to report ready unless its starter says otherwise. */
export const READY_LIMIT_MS = 30_000;
/** How much of its log the error of a failed start quotes: its last few lines. */
const LOG_TAIL_CHARS = 3_000;

export interface AppProcessOptions {
  /** Names the process in errors: `gateway`, `worker-2`. */
  name: string;
  /** The script it runs: an app's bundle, `dist/apps/<app>/main.js`. */
  script: string;
  /** Its whole environment; this process's when omitted. */
  env?: NodeJS.ProcessEnv;
  /** Its working directory, where it reads `.env`; this process's when omitted. */
  cwd?: string;
  /** Node's own flags for it (`--cpu-prof`); this process's when omitted. */
  execArgv?: string[];
  /** The file its stdout and stderr are appended to; this process's own when omitted. */
  logFile?: string;
}

/** What an app says on its IPC channel once it serves; the gateway adds what `npm start` shows. */
export interface ReadyMessage {
  type: 'ready';
  port?: number;
  /** The demo channel's webhook URL, when the gateway would show it on a terminal. */
  demoWebhookUrl?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A Node process forked with an IPC channel, on which the product's apps say `{type: 'ready'}`
 * once they serve: the gateway when it listens, a worker after its first heartbeat.
 */
export class AppProcess {
  /** Settles when the process exits, whatever the reason. */
  readonly exited: Promise<ExitStatus>;
  private readonly reportedReady: Promise<ReadyMessage>;

  private constructor(
    private readonly options: AppProcessOptions,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    // Listened for from the start: the message may come before anyone awaits ready().
    this.reportedReady = new Promise((resolve) =>
      child.on('message', (message: ReadyMessage) => message?.type === 'ready' && resolve(message)),
    );
  }

  static spawn(options: AppProcessOptions): AppProcess {
    const fd = options.logFile ? openSync(options.logFile, 'a') : 'inherit';
    try {
      const child = fork(options.script, [], {
        env: options.env,
        cwd: options.cwd,
        execArgv: options.execArgv,
        stdio: ['ignore', fd, fd, 'ipc'],
      });
      return new AppProcess(options, child);
    } finally {
      if (typeof fd === 'number') closeSync(fd); // the child holds its own copy
    }
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get logFile(): string | undefined {
    return this.options.logFile;
  }

  get alive(): boolean {
    return isRunning(this.child);
  }

  /**
   * Resolves with its ready message once the process has reported ready; rejects when it exits
   * first or is still silent after `limitMs`, quoting the end of its log.
   */
  async ready(limitMs = READY_LIMIT_MS): Promise<ReadyMessage> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.failure(`did not report ready within ${limitMs} ms`)),
        limitMs,
      );
    });
    const exitedFirst = this.exited.then(({ code, signal }) => {
      throw this.failure(`exited (${signal ?? code}) while starting`);
    });
    try {
      return await Promise.race([this.reportedReady, exitedFirst, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` and waits for the exit; still running `graceMs` later, it gets SIGKILL. */
  stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = STOP_GRACE_MS): Promise<void> {
    return stopChild(this.child, this.name, signal, graceMs);
  }

  private failure(what: string): Error {
    const logFile = this.options.logFile;
    if (!logFile) return new Error(`${this.name} ${what}`); // its output is on the terminal
    return new Error(`${this.name} ${what}; the end of ${logFile}:\n${logTail(logFile)}`);
  }
}

/** The last whole lines of a log file, at most LOG_TAIL_CHARS characters. */
function logTail(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (text.length <= LOG_TAIL_CHARS) return text;
  const tail = text.slice(-LOG_TAIL_CHARS);
  return tail.slice(tail.indexOf('\n') + 1);
}
