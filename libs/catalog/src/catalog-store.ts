import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AgentRecord, CatalogChange, ChannelRecord } from './catalog-records';

/** 192 random bits, URL-safe: the unguessable part of a webhook URL. */
export function newWebhookToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Channels and agents in Redis. Writers publish a CatalogChange so caches refresh at once. */
export class CatalogStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get changesChannel(): string {
    return `${this.prefix}:catalog:changes`;
  }

  private channelKey(id: string): string {
    return `${this.prefix}:channel:${id}`;
  }

  private agentKey(id: string): string {
    return `${this.prefix}:agent:${id}`;
  }

  async listChannels(): Promise<ChannelRecord[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:channels`)).sort();
    if (ids.length === 0) return [];
    const raw = await this.redis.mget(ids.map((id) => this.channelKey(id)));
    return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as ChannelRecord);
  }

  async getChannel(id: string): Promise<ChannelRecord | null> {
    const raw = await this.redis.get(this.channelKey(id));
    return raw ? (JSON.parse(raw) as ChannelRecord) : null;
  }

  /** Creates the channel unless one with its id exists; true if it was created. */
  async createChannelIfAbsent(channel: ChannelRecord): Promise<boolean> {
    const created = await this.redis.set(
      this.channelKey(channel.id),
      JSON.stringify(channel),
      'NX',
    );
    if (created !== 'OK') return false;
    await this.redis.sadd(`${this.prefix}:channels`, channel.id);
    await this.notify({ kind: 'channel', id: channel.id });
    return true;
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const [version, source, trainedAt] = await this.redis.hmget(
      this.agentKey(id),
      'version',
      'source',
      'trainedAt',
    );
    if (version === null || source === null) return null;
    return { id, version: Number(version), source, trainedAt: trainedAt ?? '' };
  }

  async getAgentVersion(id: string): Promise<number | null> {
    const version = await this.redis.hget(this.agentKey(id), 'version');
    return version === null ? null : Number(version);
  }

  /** Stores a trained source as the agent's next version. */
  async putAgent(id: string, source: string): Promise<AgentRecord> {
    const trainedAt = new Date().toISOString();
    const result = await this.redis
      .multi()
      .hincrby(this.agentKey(id), 'version', 1)
      .hset(this.agentKey(id), 'source', source, 'trainedAt', trainedAt)
      .sadd(`${this.prefix}:agents`, id)
      .exec();
    const version = Number(result?.[0]?.[1]);
    await this.notify({ kind: 'agent', id });
    return { id, version, source, trainedAt };
  }

  private async notify(change: CatalogChange): Promise<void> {
    await this.redis.publish(this.changesChannel, JSON.stringify(change));
  }
}
