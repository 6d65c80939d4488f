import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseSecretsKey, SecretBox, SecretResolver, SecretStore } from '@app/catalog';
import { AppProcess, freePort, Launcher, LocalRedisServer } from '@app/launcher';

// The production processes as docker-compose.yml runs them: every secret handed over as a file
// (<NAME>_FILE, Compose's /run/secrets/<name>), none in the environment, and a Redis that
// requires the password the apps read from the same file Redis does.

const DIST = join(__dirname, '../dist/apps');

describe('secrets from files (<NAME>_FILE), as Compose hands them over', () => {
  const launcher = new Launcher();
  const dir = mkdtempSync(join(tmpdir(), 'wg-secret-files-'));
  const adminToken = randomBytes(24).toString('hex');
  const secretsKey = randomBytes(32).toString('hex');
  const redisPassword = randomBytes(24).toString('hex');
  let redis: LocalRedisServer;
  let gateway: AppProcess;
  let worker: AppProcess;
  let port: number;
  let workerPort: number;

  /** A secret file as `openssl rand -hex N > file` writes it: with a line break. */
  const secretFile = (name: string, value: string) => {
    writeFileSync(join(dir, name), `${value}\n`, { mode: 0o400 });
    return join(dir, name);
  };
  const logs = () =>
    ['gateway', 'worker'].map((name) => readFileSync(join(dir, `${name}.log`), 'utf8')).join('');

  beforeAll(async () => {
    redis = await launcher.startRedis();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'requirepass', redisPassword);
    admin.disconnect();
    [port, workerPort] = [await freePort(), await freePort()];
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      REDIS_URL: redis.url,
      REDIS_PASSWORD_FILE: secretFile('redis_password', redisPassword),
      SECRETS_KEY_FILE: secretFile('secrets_key', secretsKey),
    };
    gateway = await launcher.startApp({
      name: 'gateway',
      script: join(DIST, 'gateway/main.js'),
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_TOKEN_FILE: secretFile('admin_token', adminToken),
      },
      logFile: join(dir, 'gateway.log'),
    });
    worker = await launcher.startApp({
      name: 'worker',
      script: join(DIST, 'worker/main.js'),
      env: { ...env, WORKER_HTTP_PORT: String(workerPort) },
      logFile: join(dir, 'worker.log'),
    });
  });

  afterAll(async () => {
    await launcher.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });

  it('reach a Redis that requires the password from its file: both ready', async () => {
    // Without the password Redis refuses: the apps' connections did authenticate.
    const anonymous = new Redis(redis.url, {
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    anonymous.on('error', () => undefined);
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${workerPort}/health/ready`)).status).toBe(200);
  });

  it("open the API with the admin token from its file, and seal secrets with the key's", async () => {
    const value = 'sk-live-from-a-file-test';
    expect((await api('/api/channels', `${adminToken}x`)).status).toBe(401);
    const put = await api('/api/secrets/CRM_KEY', adminToken, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
    expect(put.status).toBe(201);
    // Stored sealed: it opens with the key from the file (as a worker's would open it).
    const client = new Redis(redis.url, { password: redisPassword });
    try {
      const resolver = new SecretResolver(
        new SecretStore(client, 'wg'),
        new SecretBox(parseSecretsKey(secretsKey)!),
        client,
      );
      expect((await resolver.resolve(['CRM_KEY'])).get('CRM_KEY')).toBe(value);
      expect(JSON.stringify(await client.hgetall('wg:secret:CRM_KEY'))).not.toContain(value);
    } finally {
      client.disconnect();
    }
  });

  it('keep every secret out of the environment and the logs', () => {
    for (const app of [gateway, worker]) {
      const environ = readFileSync(`/proc/${app.pid}/environ`, 'utf8');
      expect(environ).toMatch(/SECRETS_KEY_FILE=/);
      for (const value of [adminToken, secretsKey, redisPassword]) {
        expect(environ).not.toContain(value);
      }
    }
    const text = logs();
    expect(text).toMatch(/"msg"/);
    for (const value of [adminToken, secretsKey, redisPassword]) expect(text).not.toContain(value);
  });
});
