import { readFileSync } from 'node:fs';

/**
 * Settings that carry a secret, each of which may instead be read from a file: `<NAME>_FILE`
 * holds the file's path, as Docker's and Compose's `secrets:` and Kubernetes' Secret volumes
 * provide them. The value then never sits in the process environment, where `docker inspect`,
 * `/proc/<pid>/environ` and crash reports would show it.
 */
export const FILE_SETTINGS = [
  'ADMIN_TOKEN',
  'SECRETS_KEY',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'EXAMPLE_SHOP_TOKEN',
] as const;

/**
 * `raw` with every `<NAME>_FILE` of FILE_SETTINGS replaced by `<NAME>` set to the file's content
 * (one trailing line break dropped, as `echo` and most editors add one), and the problems met:
 * a file that cannot be read, or a setting given both ways. Neither problem echoes a value.
 */
export function readSecretFiles(raw: Record<string, string | undefined>): {
  values: Record<string, string | undefined>;
  problems: string[];
} {
  const values = { ...raw };
  const problems: string[] = [];
  for (const name of FILE_SETTINGS) {
    const path = raw[`${name}_FILE`];
    delete values[`${name}_FILE`];
    // Empty counts as unset, as for every setting.
    if (path === undefined || path === '') continue;
    if (raw[name] !== undefined && raw[name] !== '') {
      problems.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      values[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      problems.push(`${name}_FILE: cannot read ${JSON.stringify(path)} (${code})`);
    }
  }
  return { values, problems };
}
