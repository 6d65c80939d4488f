import { ChildProcess } from 'node:child_process';

/**
 * How long a process may take to exit after SIGTERM or SIGINT before it gets SIGKILL: long
 * enough for a worker to finish its turns, short enough that nobody waits on one that cannot
 * drain (its Redis is gone).
 */
export const STOP_GRACE_MS = 10_000;
/** How long a process may take to exit after SIGKILL; longer, and something is badly wrong. */
const KILL_LIMIT_MS = 5_000;

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Sends `signal` to `child` and waits for its exit, bounded: still running `graceMs` later, it
 * gets SIGKILL. Throws only when even SIGKILL did not end it.
 */
export async function stopChild(
  child: ChildProcess,
  name: string,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = STOP_GRACE_MS,
): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  if (signal !== 'SIGKILL' && (await settlesWithin(exited, graceMs))) return;
  child.kill('SIGKILL');
  if (!(await settlesWithin(exited, KILL_LIMIT_MS))) {
    throw new Error(`${name} (pid ${child.pid}) did not exit after SIGKILL`);
  }
}

/** Whether `promise` settles, either way, within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
