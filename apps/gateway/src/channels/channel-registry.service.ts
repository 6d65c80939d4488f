import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CatalogChange, CatalogStore, ChannelRecord } from '@app/catalog';
import { GatewayEnv } from '@app/config';
import { Heartbeat } from '@app/heartbeats';
import { SUBSCRIBER_REDIS } from '@app/redis';
import { SecretMatcher } from '../auth/secret-matcher';
import { INSTANCE_ID } from '../turns/instance-id';

const FULL_REFRESH_MS = 30_000;

/**
 * Every channel, held in memory: a webhook request is authenticated without a Redis round trip,
 * so unknown channels and wrong tokens never cost Redis anything, and an open breaker answers
 * with no Redis call at all. Changes arrive on the catalog channel; a periodic full refresh
 * heals any notification missed while Redis was away.
 *
 * Each instance acknowledges in Redis the configVersion of every channel it serves and beats a
 * heartbeat, so that an admin's change is confirmed only once every live instance serves it.
 */
@Injectable()
export class ChannelRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChannelRegistry.name);
  private channels = new Map<string, ChannelRecord>();
  /** Each channel's token, hashed once: the webhook compares against it on every request. */
  private readonly matchers = new WeakMap<ChannelRecord, SecretMatcher>();
  /** The newest trained version of each agent: jobs carry it so workers never run an older one. */
  private agentVersions = new Map<string, number>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    private readonly catalog: CatalogStore,
    @Inject(SUBSCRIBER_REDIS) private readonly subscriber: Redis,
    private readonly heartbeat: Heartbeat,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
    private readonly env: GatewayEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.catalog.changesChannel) void this.onChange(message);
    });
    await this.subscriber.subscribe(this.catalog.changesChannel);
    await this.refresh();
    this.refreshTimer = setInterval(
      () => void this.refresh().catch(() => undefined),
      FULL_REFRESH_MS,
    );
    this.refreshTimer.unref();
    // Counted among the gateways only once it serves, and has acknowledged, every channel.
    await this.heartbeat.start('gateways', this.instanceId);
  }

  onModuleDestroy(): void {
    clearInterval(this.refreshTimer);
  }

  async refresh(): Promise<void> {
    const all = await this.catalog.listChannels();
    const agentIds = [...new Set(all.map((c) => c.agentId))];
    const versions = await Promise.all(agentIds.map((id) => this.catalog.getAgentVersion(id)));
    this.channels = new Map(all.map((c) => [c.id, c]));
    this.agentVersions = new Map(agentIds.map((id, i) => [id, versions[i] ?? 0]));
    await this.catalog.acknowledgeChannels(this.instanceId, all);
  }

  /** Serves a channel's configuration at once, on this instance (others learn it by Pub/Sub). */
  async apply(channel: ChannelRecord): Promise<void> {
    const current = this.channels.get(channel.id);
    // A notice may overtake a direct write, or the reverse: the newer configuration wins.
    if (current && current.configVersion > channel.configVersion) return;
    this.channels.set(channel.id, channel);
    if (!this.agentVersions.has(channel.agentId)) {
      this.agentTrained(
        channel.agentId,
        (await this.catalog.getAgentVersion(channel.agentId)) ?? 0,
      );
    }
    await this.catalog.acknowledgeChannels(this.instanceId, [channel]);
  }

  forget(channelId: string): void {
    this.channels.delete(channelId);
  }

  /** Called by whoever stored a new agent version, so that this instance uses it at once. */
  agentTrained(agentId: string, version: number): void {
    if (version > (this.agentVersions.get(agentId) ?? 0)) this.agentVersions.set(agentId, version);
  }

  agentVersion(agentId: string): number {
    return this.agentVersions.get(agentId) ?? 0;
  }

  private async onChange(message: string): Promise<void> {
    try {
      const change = JSON.parse(message) as CatalogChange;
      if (change.kind === 'agent') {
        this.agentTrained(change.id, (await this.catalog.getAgentVersion(change.id)) ?? 0);
        return;
      }
      const channel = await this.catalog.getChannel(change.id);
      if (channel) await this.apply(channel);
      else this.forget(change.id);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Could not apply a catalog change');
    }
  }

  get(channelId: string): ChannelRecord | undefined {
    return this.channels.get(channelId);
  }

  list(): ChannelRecord[] {
    return [...this.channels.values()];
  }

  /** The channel if the token is its current webhook token (compared in constant time). */
  authenticate(channelId: string, token: string): ChannelRecord | null {
    const channel = this.channels.get(channelId);
    if (!channel) return null;
    let matcher = this.matchers.get(channel);
    if (!matcher) {
      matcher = new SecretMatcher(channel.token);
      this.matchers.set(channel, matcher);
    }
    return matcher.matches(token) ? channel : null;
  }

  webhookUrl(channel: ChannelRecord): string {
    const base = (this.env.PUBLIC_BASE_URL ?? `http://localhost:${this.env.PORT}`).replace(
      /\/+$/,
      '',
    );
    return `${base}/webim/${channel.id}/${channel.token}`;
  }
}
