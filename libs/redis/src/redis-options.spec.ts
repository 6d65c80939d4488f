import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisOptions } from './redis-options';

// Every connection of a process (its commands, its subscriber, BullMQ's) is made from these
// options: what each setting turns into is what ioredis and BullMQ get.

describe('redisOptions', () => {
  it('reads the server, user, password and db from the URL; TLS from rediss://', () => {
    const options = redisOptions(
      { REDIS_URL: 'rediss://app%40x:p%2Fss@redis.example:6380/3' },
      'fail-fast',
      'gateway:commands',
    );
    expect(options).toMatchObject({
      host: 'redis.example',
      port: 6380,
      username: 'app@x',
      password: 'p/ss',
      db: 3,
      tls: {},
      connectionName: 'gateway:commands',
    });
    expect(options.sentinels).toBeUndefined();
    expect(redisOptions({ REDIS_URL: 'redis://:pw@127.0.0.1' }, 'blocking', 'w')).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      username: undefined,
      password: 'pw',
      tls: undefined,
    });
  });

  it('trusts the CA of REDIS_TLS_CA_FILE', () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'wg-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const options = redisOptions(
      { REDIS_URL: 'rediss://r:6379', REDIS_TLS_CA_FILE: ca },
      'blocking',
      'w',
    );
    expect(String((options.tls as { ca: Buffer }).ca)).toBe('-----BEGIN CERTIFICATE-----\n');
    // A CA file without rediss:// turns no TLS on.
    expect(
      redisOptions({ REDIS_URL: 'redis://r', REDIS_TLS_CA_FILE: ca }, 'blocking', 'w').tls,
    ).toBeUndefined();
  });

  it('asks the Sentinels for the master, with the URL credentials for the master', () => {
    const options = redisOptions(
      {
        REDIS_URL: 'redis://:master-pw@unused:1/1',
        REDIS_SENTINELS: '10.0.0.1:26379,10.0.0.2:26379',
        REDIS_SENTINEL_MASTER: 'wg-main',
        REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      },
      'fail-fast',
      'gateway:commands',
    );
    expect(options).toMatchObject({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'wg-main',
      role: 'master',
      password: 'master-pw',
      sentinelPassword: 'sentinel-pw',
      db: 1,
      failoverDetector: false,
      enableTLSForSentinelMode: false,
      sentinelTLS: undefined,
      // Still fails fast while no master answers.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    expect(options.sentinelRetryStrategy!(20)).toBe(2000);
  });

  it('uses TLS to the master with rediss://, and to the Sentinels when asked', () => {
    const settings = {
      REDIS_URL: 'rediss://unused',
      REDIS_SENTINELS: 's:26379',
      REDIS_SENTINEL_MASTER: 'm',
    };
    expect(redisOptions(settings, 'blocking', 'w')).toMatchObject({
      tls: {},
      enableTLSForSentinelMode: true,
      sentinelTLS: undefined,
      maxRetriesPerRequest: null,
    });
    expect(
      redisOptions({ ...settings, REDIS_SENTINEL_TLS: 'true' }, 'blocking', 'w').sentinelTLS,
    ).toEqual({});
  });

  it('speaks RESP2 on every connection: a late handshake is not fatal there', () => {
    for (const role of ['fail-fast', 'blocking'] as const) {
      expect(redisOptions({ REDIS_URL: 'redis://r:6379' }, role, 'c').protocol).toBe(2);
    }
  });

  it('reconnects and resends on a demoted master, and on nothing else', () => {
    const { reconnectOnError } = redisOptions({ REDIS_URL: 'redis://r' }, 'fail-fast', 'g');
    const asks = (message: string) =>
      (reconnectOnError as (e: Error) => unknown)(new Error(message));
    expect(asks("READONLY You can't write against a read only replica.")).toBe(2);
    expect(asks('ERR unknown command')).toBe(false);
  });
});
