import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSecretFiles } from './secret-files';
import { withRedisPassword } from './redis-settings';
import { SharedEnv } from './shared.env';
import { validateEnv } from './validate-env';

/** Where a process's settings come from; tests point both elsewhere. */
export interface EnvSources {
  /** Directory whose `.env` is read, if it has one. */
  cwd?: string;
  environment?: NodeJS.ProcessEnv;
}

/**
 * The raw variables of this process: `.env` in the working directory under the process
 * environment (a variable set in both keeps the environment's value, as dotenv's own `config()`
 * does). Not validated.
 */
export function readRawEnv(sources: EnvSources = {}): Record<string, string | undefined> {
  const file = join(sources.cwd ?? process.cwd(), '.env');
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...(sources.environment ?? process.env) };
}

/**
 * The settings of this process, read once at start (see readRawEnv), validated against the
 * app's env class. Every consumer then reads the returned instance, so no part of the app can
 * see a value the others do not. A secret setting may come from a file named by `<NAME>_FILE`
 * instead (secret-files.ts). Throws ConfigValidationError naming every problem, whichever of the
 * sources a bad value came from.
 */
export function loadEnv<T extends object>(cls: new () => T, sources: EnvSources = {}): T {
  const { values, problems } = readSecretFiles(readRawEnv(sources));
  const env = validateEnv(cls, values, problems);
  return env instanceof SharedEnv ? withRedisPassword(env) : env;
}
