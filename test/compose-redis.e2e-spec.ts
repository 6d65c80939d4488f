import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { freePort } from '@app/launcher';
import { waitFor } from './support/wait-for';

// docker-compose.yml's Redis command and health check, run as written (Compose's `$$` read as
// `$`) with the local redis-server, the secret's path pointed at a file of the test's and a port
// of its own: the password read from the file into the configuration is required, the memory
// settings hold, the password is in no command line, and the health check authenticates.

const SECRET_PATH = '/run/secrets/redis_password';

interface ComposeRedis {
  command: string[];
  healthcheck: { test: string[] };
}

const compose = parse(readFileSync(join(__dirname, '../docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: { redis: ComposeRedis } };
const { command, healthcheck } = compose.services.redis;

describe("docker-compose.yml's Redis, run as Compose would run it", () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-compose-redis-'));
  const password = 'a-password-from-the-secret-file';
  let port: number;
  let redis: ChildProcess;
  let client: Redis;

  /** The service's shell text with the secret's path and this test's port and directory. */
  const local = (text: string) =>
    text
      .replaceAll('$$', '$')
      .replaceAll(SECRET_PATH, join(dir, 'redis_password'))
      .replace('redis-server -', `redis-server - --port ${port} --dir ${dir}`)
      .replace('redis-cli ping', `redis-cli -p ${port} ping`);

  beforeAll(async () => {
    writeFileSync(join(dir, 'redis_password'), `${password}\n`);
    port = await freePort();
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    redis = spawn('sh', ['-c', local(command[2])], { stdio: 'ignore' });
    client = new Redis({ port, password, lazyConnect: true, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    await waitFor('the Redis of docker-compose.yml to answer', async () => {
      await client.connect().catch(() => undefined);
      return client.status === 'ready';
    });
  });

  afterAll(async () => {
    client?.disconnect();
    redis?.kill('SIGTERM');
    if (redis && redis.exitCode === null) await new Promise((done) => redis.once('exit', done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires the password from the secret file', async () => {
    expect(await client.ping()).toBe('PONG');
    const anonymous = new Redis({ port, enableReadyCheck: false, retryStrategy: () => null });
    anonymous.on('error', () => undefined);
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
  });

  it('keeps BullMQ safe: noeviction under maxmemory, and append-only persistence', async () => {
    expect(await client.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
    expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(256 * 2 ** 20)]);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
  });

  it('runs redis-server as the container process, its password in no command line', () => {
    // `exec`: redis-server replaced the shell, so it receives Compose's SIGTERM itself.
    const cmdline = readFileSync(`/proc/${redis.pid}/cmdline`, 'utf8');
    expect(cmdline).toMatch(/^redis-server/);
    expect(cmdline).not.toContain(password);
  });

  it('passes its health check, which authenticates with the same file', () => {
    expect(healthcheck.test[0]).toBe('CMD-SHELL');
    expect(() =>
      execFileSync('sh', ['-c', local(healthcheck.test[1])], { timeout: 5000 }),
    ).not.toThrow();
    const wrong = local(healthcheck.test[1]).replaceAll(
      join(dir, 'redis_password'),
      join(dir, 'missing'),
    );
    expect(() => execFileSync('sh', ['-c', wrong], { timeout: 5000, stdio: 'ignore' })).toThrow();
  });
});
