import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLogSettings } from './log-settings';
import { SharedEnv } from './shared.env';
import { ConfigValidationError, validateEnv } from './validate-env';

describe('readLogSettings', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'wg-log-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('reads the log settings from .env under the environment', () => {
    writeFileSync(join(cwd, '.env'), 'NODE_ENV=production\nLOG_LEVEL=debug\nLOG_FORMAT=pretty\n');
    expect(readLogSettings({ cwd, environment: { LOG_FORMAT: 'json' } })).toEqual({
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
  });

  it('takes the default of a wrong one, so that the error about it can be logged', () => {
    writeFileSync(join(cwd, '.env'), 'NODE_ENV=prod\nLOG_LEVEL=loud\n');
    expect(readLogSettings({ cwd, environment: { LOG_FORMAT: 'xml' } })).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
    });
  });
});

describe('REDIS_URL', () => {
  const problems = (url: string) => {
    try {
      validateEnv(SharedEnv, { REDIS_URL: url });
      return [];
    } catch (error) {
      return (error as ConfigValidationError).problems;
    }
  };

  it.each(['redis://127.0.0.1:6379', 'rediss://u:p%40ss@redis.internal:6380/2', 'redis://h'])(
    'accepts %s',
    (url) => expect(problems(url)).toEqual([]),
  );

  it.each(['redis://a:b:c', 'http://h:6379', 'redis://h:6379/db', 'redis://:x@h:99999'])(
    'refuses %s without echoing it (it may hold a password)',
    (url) => {
      const [problem] = problems(url);
      expect(problem).toMatch(/^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
      expect(problem).not.toContain(url);
    },
  );
});
