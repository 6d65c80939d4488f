import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSentinels } from './redis-settings';
import { SharedEnv } from './shared.env';
import { ConfigValidationError, validateEnv } from './validate-env';

// Redis's settings are validated with the rest of a process's, once, at start: a Sentinel list
// that is not one, a master name missing, a CA file that cannot be read stop the process with
// the setting's name, and no password is ever echoed.

describe('Redis settings', () => {
  const problems = (raw: Record<string, string>): string[] => {
    try {
      validateEnv(SharedEnv, raw);
      return [];
    } catch (error) {
      return (error as ConfigValidationError).problems;
    }
  };

  it('reads a Sentinel list of host:port entries, IPv6 in brackets', () => {
    expect(parseSentinels('10.0.0.1:26379, sentinel-b.internal:26380 [::1]:26381')).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: 'sentinel-b.internal', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
  });

  it('defaults to one server, no Sentinels and no wait for replicas', () => {
    expect(validateEnv(SharedEnv, {})).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_SENTINELS: undefined,
      REDIS_SENTINEL_TLS: 'false',
      REDIS_MIN_REPLICAS_ACK: 0,
      REDIS_REPLICA_ACK_TIMEOUT_MS: 500,
    });
  });

  it('takes Sentinels with a master name, TLS with a CA file, and a replica count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const env = validateEnv(SharedEnv, {
      REDIS_URL: 'rediss://app:s3cret@ignored:6379/2',
      REDIS_TLS_CA_FILE: ca,
      REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379',
      REDIS_SENTINEL_MASTER: 'wg-main',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pass',
      REDIS_MIN_REPLICAS_ACK: '1',
      REDIS_REPLICA_ACK_TIMEOUT_MS: '200',
    });
    expect(env).toMatchObject({
      REDIS_SENTINEL_MASTER: 'wg-main',
      REDIS_MIN_REPLICAS_ACK: 1,
      REDIS_REPLICA_ACK_TIMEOUT_MS: 200,
    });
  });

  it('names every bad Redis setting at once, without echoing a password', () => {
    const found = problems({
      REDIS_URL: 'http://user:hunter2-password@redis:6379',
      REDIS_SENTINELS: 's1:26379, s2',
      REDIS_SENTINEL_TLS: 'yes',
      REDIS_TLS_CA_FILE: '/nonexistent/ca.pem',
      REDIS_MIN_REPLICAS_ACK: '-1',
      REDIS_REPLICA_ACK_TIMEOUT_MS: '5000',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'REDIS_MIN_REPLICAS_ACK',
      'REDIS_REPLICA_ACK_TIMEOUT_MS',
      'REDIS_SENTINELS',
      'REDIS_SENTINEL_MASTER',
      'REDIS_SENTINEL_TLS',
      'REDIS_TLS_CA_FILE',
      'REDIS_URL',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
    expect(found.find((p) => p.startsWith('REDIS_SENTINELS'))).toContain('"s2" is not host:port');
    expect(found.find((p) => p.startsWith('REDIS_SENTINEL_MASTER'))).toContain(
      'is required with REDIS_SENTINELS',
    );
    expect(found.find((p) => p.startsWith('REDIS_TLS_CA_FILE'))).toContain('ENOENT');
  });

  it('refuses a CA file that holds no certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-ca-'));
    const notPem = join(dir, 'key.txt');
    writeFileSync(notPem, 'not a certificate');
    expect(problems({ REDIS_TLS_CA_FILE: notPem })).toEqual([
      expect.stringMatching(/^REDIS_TLS_CA_FILE: holds no PEM certificate/),
    ]);
  });
});
