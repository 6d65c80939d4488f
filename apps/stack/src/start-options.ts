import type { StackEnv } from '@app/config';

export interface StartOptions {
  /** Start empty: the data folder's content is removed first. */
  fresh: boolean;
  /**
   * `short`: one line per process ready on this output, each process's log in a file of the
   * data folder; `full`: every process writes its own log lines here, as JSON.
   */
  output: 'short' | 'full';
}

/** Thrown for arguments `npm start` does not know; the message says which ones it does. */
export class UsageError extends Error {}

/**
 * What this start does, from its arguments (`npm start -- --fresh`) and settings. A terminal
 * gets the short output unless LOG_FORMAT asks for JSON; a pipe or a file gets every line, as
 * the apps themselves decide between pretty and JSON.
 */
export function startOptions(
  argv: string[],
  settings: Pick<StackEnv, 'STACK_FRESH' | 'LOG_FORMAT' | 'NODE_ENV'>,
  isTTY: boolean,
): StartOptions {
  const unknown = argv.filter((arg) => arg !== '--fresh');
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.join(' ')}: npm start takes ` +
        '--fresh (start empty: npm start -- --fresh)',
    );
  }
  const fresh = argv.includes('--fresh') || ['1', 'true'].includes(settings.STACK_FRESH);
  const short =
    settings.LOG_FORMAT === 'pretty' ||
    (settings.LOG_FORMAT === 'auto' && settings.NODE_ENV === 'development' && isTTY);
  return { fresh, output: short ? 'short' : 'full' };
}
