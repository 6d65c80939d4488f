import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisOptions } from '@app/redis';
import { GatewayEnv, loadGatewayEnv } from './gateway.env';
import { loadEnv } from './load-env';
import { ConfigValidationError } from './validate-env';
import { WorkerEnv } from './worker.env';

// Secrets from files (`<NAME>_FILE`), as Compose's `secrets:` and Kubernetes' Secret volumes
// hand them over, and REDIS_PASSWORD, which Redis and the apps can read from one such file.

describe('secret settings read from files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wg-secret-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const secretFile = (name: string, content: string) => {
    writeFileSync(join(dir, name), content, { mode: 0o400 });
    return join(dir, name);
  };
  const PRODUCTION = { NODE_ENV: 'production' };

  function problems(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  }

  it('reads ADMIN_TOKEN and SECRETS_KEY from the files named, less one trailing line break', () => {
    const key = 'ab'.repeat(32);
    const { env, adminTokenGenerated } = loadGatewayEnv({
      cwd: dir,
      environment: {
        ...PRODUCTION,
        ADMIN_TOKEN_FILE: secretFile('admin_token', 'an-admin-token-from-a-file\n'),
        SECRETS_KEY_FILE: secretFile('secrets_key', `${key}\r\n`),
      },
    });
    expect(env.ADMIN_TOKEN).toBe('an-admin-token-from-a-file');
    expect(env.SECRETS_KEY).toBe(key);
    expect(adminTokenGenerated).toBe(false);
    expect(Object.keys(env)).not.toContain('ADMIN_TOKEN_FILE');
  });

  it('validates a value read from a file as it would the same value set directly', () => {
    const message = problems(() =>
      loadEnv(GatewayEnv, {
        cwd: dir,
        environment: { ...PRODUCTION, ADMIN_TOKEN_FILE: secretFile('admin_token', 'too-short') },
      }),
    );
    expect(message).toMatch(/ADMIN_TOKEN: must be at least 16 characters \(got "<redacted>"\)/);
    expect(message).not.toContain('too-short');
  });

  it('names a file that cannot be read with the other problems, and a setting given twice', () => {
    const missing = join(dir, 'no-such-file');
    const message = problems(() =>
      loadEnv(GatewayEnv, {
        cwd: dir,
        environment: {
          ...PRODUCTION,
          ADMIN_TOKEN: 'an-admin-token-set-directly',
          ADMIN_TOKEN_FILE: secretFile('admin_token', 'an-admin-token-from-a-file'),
          SECRETS_KEY_FILE: missing,
          PORT: '70000',
        },
      }),
    );
    expect(message).toContain('ADMIN_TOKEN_FILE: set ADMIN_TOKEN or ADMIN_TOKEN_FILE, not both');
    expect(message).toContain(`SECRETS_KEY_FILE: cannot read "${missing}" (ENOENT)`);
    expect(message).toContain('PORT: must not be greater than 65535');
    expect(message).not.toMatch(/an-admin-token/);
  });

  it('counts an empty <NAME>_FILE as unset', () => {
    const env = loadEnv(WorkerEnv, { cwd: dir, environment: { SECRETS_KEY_FILE: '' } });
    expect(env.SECRETS_KEY).toBeUndefined();
  });

  it('puts REDIS_PASSWORD (from its file) into REDIS_URL, where connections take it', () => {
    // A password with characters that mean something in a URL.
    const password = 'p@ss:w/rd#?%';
    const env = loadEnv(WorkerEnv, {
      cwd: dir,
      environment: {
        REDIS_URL: 'redis://redis:6379/2',
        REDIS_PASSWORD_FILE: secretFile('redis_password', `${password}\n`),
      },
    });
    const options = redisOptions(env, 'fail-fast', 'test');
    expect(options).toMatchObject({ host: 'redis', port: 6379, db: 2, password });
    expect(options.username).toBeUndefined();
  });

  it('refuses REDIS_PASSWORD beside a REDIS_URL that has a password, without echoing either', () => {
    const message = problems(() =>
      loadEnv(WorkerEnv, {
        cwd: dir,
        environment: { REDIS_URL: 'redis://:url-secret@redis:6379', REDIS_PASSWORD: 'pw-secret' },
      }),
    );
    expect(message).toMatch(/REDIS_PASSWORD: must not be set when REDIS_URL carries a password/);
    expect(message).not.toMatch(/url-secret|pw-secret/);
  });
});
