import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const STACK = join(__dirname, '../../dist/apps/stack/main.js');

/** `npm start`'s program, as built (`dist/apps/stack/main.js`), its output collected. */
export interface NpmStart {
  process: ChildProcess;
  /** Its working directory: where it reads `.env` and keeps `.data` unless told otherwise. */
  cwd: string;
  /** Everything it printed so far, stdout and stderr in the order they came. */
  output: () => string;
}

/**
 * Starts the built stack in `cwd` (a new empty directory when omitted) with only PATH and `env`
 * in its environment, so that nothing of the machine's own settings leaks in.
 */
export function startNpmStart(
  env: Record<string, string>,
  { args = [], cwd }: { args?: string[]; cwd?: string } = {},
): NpmStart {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), 'wg-stack-'));
  let output = '';
  const child = spawn(process.execPath, [STACK, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { process: child, cwd: dir, output: () => output };
}

/** What the banner printed last, once every process is ready, says. */
export interface Banner {
  /** The banner's own text, from its first line to the end of the output. */
  text: string;
  playgroundUrl: string;
  demoWebhookUrl: string;
  adminToken: string;
}

/** Waits for the banner; it is the last thing printed, so the output ends with it. */
export async function bannerOf(stack: NpmStart, timeoutMs = 30_000): Promise<Banner> {
  const exited = once(stack.process, 'exit').then(([code]) => {
    throw new Error(`npm start exited (${code}) before its banner:\n${stack.output()}`);
  });
  exited.catch(() => undefined);
  const text = await Promise.race([
    waitFor(
      'the banner of npm start',
      () =>
        /\nReady\. Kept in [^\n]*\n(?:.*\n)*?\s*Admin token: [^\n]*\n/.exec(stack.output())?.[0],
      { timeoutMs, everyMs: 100 },
    ),
    exited,
  ]);
  const field = (label: string) => new RegExp(`^\\s*${label}: +(\\S+)`, 'm').exec(text)?.[1] ?? '';
  return {
    text,
    playgroundUrl: field('Playground'),
    demoWebhookUrl: field('Demo channel webhook URL'),
    adminToken: field('Admin token'),
  };
}

/** Stops it as Ctrl-C would, and waits for its exit code. */
export async function stopNpmStart(stack: NpmStart): Promise<number | null> {
  if (stack.process.exitCode !== null || stack.process.signalCode !== null) {
    return stack.process.exitCode;
  }
  const exited = once(stack.process, 'exit');
  stack.process.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}
