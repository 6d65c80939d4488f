import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type {
  AgentRecord,
  AgentTestSummary,
  AgentVersionRecord,
  CatalogChange,
  ChannelRecord,
} from './catalog-records';

/** 192 random bits, URL-safe: the unguessable part of a webhook URL. */
export function newWebhookToken(): string {
  return randomBytes(24).toString('base64url');
}

/** 60 random bits in lowercase base32-like letters: short, safe in keys, URLs and hash tags. */
export function newChannelId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(12)].map((b) => alphabet[b & 31]).join('');
}

/** How many versions of an agent are listed (older ones are forgotten, not their channels). */
const AGENT_HISTORY = 50;

/**
 * KEYS channel. ARGV expectedVersion (0: must not exist), recordJson.
 * Compare-and-set on configVersion, so two admins editing one channel cannot lose a change.
 */
const SAVE_CHANNEL = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = cjson.decode(current).configVersion or 1 end
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

/** The Pub/Sub channel every catalog writer announces its changes on (a CatalogChange). */
export function catalogChangesChannel(prefix: string): string {
  return `${prefix}:catalog:changes`;
}

type CatalogCommands = { wgSaveChannel(...args: (string | number)[]): Promise<number> };

/** Channels and agents in Redis. Writers publish a CatalogChange so caches refresh at once. */
export class CatalogStore {
  private readonly redis: Redis & CatalogCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('wgSaveChannel' in redis)) {
      redis.defineCommand('wgSaveChannel', { lua: SAVE_CHANNEL, numberOfKeys: 1 });
    }
    this.redis = redis as Redis & CatalogCommands;
  }

  get changesChannel(): string {
    return catalogChangesChannel(this.prefix);
  }

  private channelKey(id: string): string {
    return `${this.prefix}:channel:${id}`;
  }

  private acksKey(id: string): string {
    return `${this.prefix}:channel:${id}:acks`;
  }

  private agentKey(id: string): string {
    return `${this.prefix}:agent:${id}`;
  }

  private agentVersionsKey(id: string): string {
    return `${this.prefix}:agent:${id}:versions`;
  }

  async listChannels(): Promise<ChannelRecord[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:channels`)).sort();
    if (ids.length === 0) return [];
    const raw = await this.redis.mget(ids.map((id) => this.channelKey(id)));
    return raw.filter((r): r is string => r !== null).map(parseChannel);
  }

  async getChannel(id: string): Promise<ChannelRecord | null> {
    const raw = await this.redis.get(this.channelKey(id));
    return raw ? parseChannel(raw) : null;
  }

  /** Creates the channel unless one with its id exists; true if it was created. */
  async createChannelIfAbsent(channel: ChannelRecord): Promise<boolean> {
    return this.saveChannel(channel, 0);
  }

  /**
   * Stores the channel if its stored configVersion is still `expectedVersion` (0: it must not
   * exist yet); false if someone else changed it first. The caller bumps configVersion.
   */
  async saveChannel(channel: ChannelRecord, expectedVersion: number): Promise<boolean> {
    const saved = await this.redis.wgSaveChannel(
      this.channelKey(channel.id),
      expectedVersion,
      JSON.stringify(channel),
    );
    if (saved !== 1) return false;
    if (expectedVersion === 0) await this.redis.sadd(`${this.prefix}:channels`, channel.id);
    await this.notify({ kind: 'channel', id: channel.id });
    return true;
  }

  async deleteChannel(id: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis
      .multi()
      .del(this.channelKey(id))
      .srem(`${this.prefix}:channels`, id)
      .del(this.acksKey(id))
      .exec()) as [[Error | null, number]];
    await this.notify({ kind: 'channel', id });
    return deleted === 1;
  }

  /** A gateway instance says which configuration of the channel it serves. */
  async acknowledgeChannels(instanceId: string, channels: ChannelRecord[]): Promise<void> {
    if (channels.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const channel of channels) {
      pipeline.hset(this.acksKey(channel.id), instanceId, channel.configVersion);
    }
    await pipeline.exec();
  }

  /** Instance id → the channel's configVersion that instance serves. */
  async channelAcks(id: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.acksKey(id));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async listAgents(): Promise<Omit<AgentRecord, 'source' | 'tests'>[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:agents`)).sort();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.agentKey(id), 'version', 'trainedAt');
    const rows = ((await pipeline.exec()) ?? []) as [Error | null, (string | null)[]][];
    return ids.flatMap((id, i) => {
      const [version, trainedAt] = rows[i]?.[1] ?? [];
      return version ? [{ id, version: Number(version), trainedAt: trainedAt ?? '' }] : [];
    });
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const [version, source, trainedAt, tests] = await this.redis.hmget(
      this.agentKey(id),
      'version',
      'source',
      'trainedAt',
      'tests',
    );
    if (version === null || source === null) return null;
    return {
      id,
      version: Number(version),
      source,
      trainedAt: trainedAt ?? '',
      ...(tests ? { tests: JSON.parse(tests) as unknown[] } : {}),
    };
  }

  async getAgentVersion(id: string): Promise<number | null> {
    const version = await this.redis.hget(this.agentKey(id), 'version');
    return version === null ? null : Number(version);
  }

  /** The agent's versions, newest first. */
  async agentVersions(id: string): Promise<AgentVersionRecord[]> {
    const raw = await this.redis.lrange(this.agentVersionsKey(id), 0, -1);
    return raw.map((r) => JSON.parse(r) as AgentVersionRecord);
  }

  /** Stores a trained source as the agent's next version, with its test report. */
  async putAgent(
    id: string,
    source: string,
    tests: { report: unknown[]; summary: AgentTestSummary } = {
      report: [],
      summary: { passed: 0, failed: 0 },
    },
  ): Promise<AgentRecord> {
    const trainedAt = new Date().toISOString();
    // One transaction for the version and its source: concurrent trainings cannot cross them.
    const result = await this.redis
      .multi()
      .hincrby(this.agentKey(id), 'version', 1)
      .hset(this.agentKey(id), { source, trainedAt, tests: JSON.stringify(tests.report) })
      .sadd(`${this.prefix}:agents`, id)
      .exec();
    const version = Number(result?.[0]?.[1]);
    const history: AgentVersionRecord = { version, trainedAt, tests: tests.summary };
    await this.redis
      .multi()
      .lpush(this.agentVersionsKey(id), JSON.stringify(history))
      .ltrim(this.agentVersionsKey(id), 0, AGENT_HISTORY - 1)
      .exec();
    await this.notify({ kind: 'agent', id });
    return { id, version, source, trainedAt, tests: tests.report };
  }

  async deleteAgent(id: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis
      .multi()
      .del(this.agentKey(id))
      .del(this.agentVersionsKey(id))
      .srem(`${this.prefix}:agents`, id)
      .exec()) as [[Error | null, number]];
    await this.notify({ kind: 'agent', id });
    return deleted === 1;
  }

  private async notify(change: CatalogChange): Promise<void> {
    await this.redis.publish(this.changesChannel, JSON.stringify(change));
  }
}

/** Records stored before configVersion existed count as version 1. */
function parseChannel(raw: string): ChannelRecord {
  const channel = JSON.parse(raw) as ChannelRecord;
  return { ...channel, configVersion: channel.configVersion ?? 1 };
}
