import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayEnv, loadGatewayEnv } from './gateway.env';
import { loadEnv } from './load-env';
import { ConfigValidationError } from './validate-env';
import { WorkerEnv } from './worker.env';

describe('loadEnv', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'wg-env-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  const dotEnv = (text: string) => writeFileSync(join(cwd, '.env'), text);

  function problem(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  }

  it('reads `.env` in the given directory, typed and validated', () => {
    dotEnv('WORKER_LOCK_MS=1234\n# a comment\nWORKER_CONCURRENCY="7"\n');
    const env = loadEnv(WorkerEnv, { cwd, environment: {} });
    expect(env).toBeInstanceOf(WorkerEnv);
    expect(env.WORKER_LOCK_MS).toBe(1234);
    expect(env.WORKER_CONCURRENCY).toBe(7);
    expect(env.SCENARIO_MAX_STEPS).toBe(1000);
  });

  it('lets the process environment win over `.env`', () => {
    dotEnv('WORKER_LOCK_MS=1234\nWORKER_CONCURRENCY=7\n');
    const env = loadEnv(WorkerEnv, { cwd, environment: { WORKER_LOCK_MS: '4321' } });
    expect(env.WORKER_LOCK_MS).toBe(4321);
    expect(env.WORKER_CONCURRENCY).toBe(7);
  });

  it('counts an empty value as unset wherever it is written', () => {
    dotEnv('WORKER_CONCURRENCY=\n');
    expect(loadEnv(WorkerEnv, { cwd, environment: {} }).WORKER_CONCURRENCY).toBe(500);
    expect(loadEnv(WorkerEnv, { cwd, environment: { WORKER_LOCK_MS: '' } }).WORKER_LOCK_MS).toBe(
      30_000,
    );
  });

  it('takes the defaults without a `.env`', () => {
    expect(loadEnv(GatewayEnv, { cwd, environment: {} }).PORT).toBe(3000);
  });

  it('reports an invalid value in `.env` exactly as the same value in the environment', () => {
    const bad = { REPLY_BUDGET_MS: '4950', ADMIN_TOKEN: 'short', PORT: '70000' };
    const fromEnvironment = problem(() => loadEnv(GatewayEnv, { cwd, environment: bad }));
    dotEnv(
      Object.entries(bad)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const fromFile = problem(() => loadEnv(GatewayEnv, { cwd, environment: {} }));
    expect(fromFile).toBe(fromEnvironment);
    expect(fromFile).toBe(
      [
        'Invalid configuration:',
        '  - PORT: must not be greater than 65535 (got "70000")',
        '  - ADMIN_TOKEN: must be at least 16 characters (got "<redacted>")',
        `  - REPLY_BUDGET_MS: must be below Webim's 5000 ms window minus 100 ms (got "4950")`,
      ].join('\n'),
    );
  });
});

describe('loadGatewayEnv', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'wg-env-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('uses the ADMIN_TOKEN of `.env`', () => {
    writeFileSync(join(cwd, '.env'), 'ADMIN_TOKEN=from-the-dot-env-file\n');
    const { env, adminTokenGenerated } = loadGatewayEnv({ cwd, environment: {} });
    expect(env.ADMIN_TOKEN).toBe('from-the-dot-env-file');
    expect(adminTokenGenerated).toBe(false);
  });

  it('generates one outside production when none is set', () => {
    const first = loadGatewayEnv({ cwd, environment: { NODE_ENV: 'development' } });
    const second = loadGatewayEnv({ cwd, environment: { NODE_ENV: 'development' } });
    expect(first.adminTokenGenerated).toBe(true);
    expect(first.env.ADMIN_TOKEN).toMatch(/^[\w-]{32}$/);
    expect(second.env.ADMIN_TOKEN).not.toBe(first.env.ADMIN_TOKEN);
  });

  it('refuses production without one', () => {
    expect(() =>
      loadGatewayEnv({
        cwd,
        environment: { NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64) },
      }),
    ).toThrow(/ADMIN_TOKEN: .*is required when NODE_ENV=production/);
  });
});
