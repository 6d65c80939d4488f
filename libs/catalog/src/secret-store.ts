import type { Redis } from 'ioredis';
import type { CatalogChange, SecretMetadata } from './catalog-records';
import { catalogChangesChannel } from './catalog-store';

/** A secret as stored: its metadata and its value sealed with SecretBox. */
export interface StoredSecret extends SecretMetadata {
  sealed: string;
}

/** What a write stores; the store adds the version and the times. */
export interface SecretWrite {
  name: string;
  sealed: string;
  fingerprint: string;
  description?: string;
}

/** The associated data a secret's value is sealed with: no other record's sealed value opens as it. */
export function secretRecordId(name: string): string {
  return `secret:${name}`;
}

/**
 * KEYS secret, names. ARGV name, sealed, fingerprint, description ('' for none), now.
 * Returns {version, created (1|0), createdAt}. One step, so that two replacements at once
 * cannot leave one's value under the other's version or description.
 */
const PUT_SECRET = `
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
local created = redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[5])
redis.call('HSET', KEYS[1], 'sealed', ARGV[2], 'fingerprint', ARGV[3], 'updatedAt', ARGV[5])
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[1], 'description')
else
  redis.call('HSET', KEYS[1], 'description', ARGV[4])
end
redis.call('SADD', KEYS[2], ARGV[1])
return {version, created, redis.call('HGET', KEYS[1], 'createdAt')}
`;

type SecretCommands = {
  wgPutSecret(...args: string[]): Promise<[number, number, string]>;
};

const FIELDS = ['version', 'sealed', 'fingerprint', 'description', 'createdAt', 'updatedAt'];

/**
 * Stored secrets in Redis: one hash per secret (`<prefix>:secret:<name>`) and the set of names.
 * Writers publish a CatalogChange (kind `secret`) so that resolvers drop their copy at once.
 * The store never sees a value in the clear: callers seal and open.
 */
export class SecretStore {
  private readonly redis: Redis & SecretCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('wgPutSecret' in redis)) {
      redis.defineCommand('wgPutSecret', { lua: PUT_SECRET, numberOfKeys: 2 });
    }
    this.redis = redis as Redis & SecretCommands;
  }

  get changesChannel(): string {
    return catalogChangesChannel(this.prefix);
  }

  private key(name: string): string {
    return `${this.prefix}:secret:${name}`;
  }

  private get namesKey(): string {
    return `${this.prefix}:secrets`;
  }

  /** Every secret's metadata, by name. */
  async list(): Promise<SecretMetadata[]> {
    const names = (await this.redis.smembers(this.namesKey)).sort();
    const stored = await this.getMany(names);
    return stored.filter((s): s is StoredSecret => s !== null).map(secretMetadata);
  }

  async get(name: string): Promise<StoredSecret | null> {
    const [secret] = await this.getMany([name]);
    return secret;
  }

  /** The secrets of `names`, in that order; null for a name with none. */
  async getMany(names: string[]): Promise<(StoredSecret | null)[]> {
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hmget(this.key(name), ...FIELDS);
    const rows = ((await pipeline.exec()) ?? []) as [Error | null, (string | null)[]][];
    return names.map((name, i) => {
      const [error, row] = rows[i] ?? [null, []];
      if (error) throw error;
      const [version, sealed, fingerprint, description, createdAt, updatedAt] = row;
      if (version === null || sealed === null) return null;
      return {
        name,
        version: Number(version),
        sealed,
        fingerprint: fingerprint ?? '',
        ...(description !== null ? { description } : {}),
        createdAt: createdAt ?? '',
        updatedAt: updatedAt ?? '',
      };
    });
  }

  /** Creates or replaces the secret; `created` says which. */
  async put(write: SecretWrite): Promise<{ secret: SecretMetadata; created: boolean }> {
    const now = new Date().toISOString();
    const [version, created, createdAt] = await this.redis.wgPutSecret(
      this.key(write.name),
      this.namesKey,
      write.name,
      write.sealed,
      write.fingerprint,
      write.description ?? '',
      now,
    );
    await this.notify(write.name);
    return {
      secret: {
        name: write.name,
        ...(write.description ? { description: write.description } : {}),
        version: Number(version),
        fingerprint: write.fingerprint,
        createdAt,
        updatedAt: now,
      },
      created: created === 1,
    };
  }

  /** True if there was a secret to delete. */
  async delete(name: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis
      .multi()
      .del(this.key(name))
      .srem(this.namesKey, name)
      .exec()) as [[Error | null, number]];
    await this.notify(name);
    return deleted === 1;
  }

  private async notify(name: string): Promise<void> {
    const change: CatalogChange = { kind: 'secret', id: name };
    await this.redis.publish(this.changesChannel, JSON.stringify(change));
  }
}

/** A stored secret without its sealed value. */
export function secretMetadata({ sealed: _sealed, ...rest }: StoredSecret): SecretMetadata {
  return rest;
}
