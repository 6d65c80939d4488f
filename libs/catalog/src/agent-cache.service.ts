import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { CatalogChange } from './catalog-records';
import { CatalogStore } from './catalog-store';
import { SUBSCRIBER_REDIS } from '@app/redis';
import { compileAgent, CompiledAgent } from '@app/scenario';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';

export interface LoadedAgent {
  id: string;
  version: number;
  agent: CompiledAgent;
}

/**
 * Compiled agents by id. Compiling once per version keeps YAML parsing off the turn path; a
 * catalog change evicts the agent so the next turn runs the new version.
 */
@Injectable()
export class AgentCache implements OnApplicationBootstrap {
  private readonly logger = new Logger(AgentCache.name);
  private readonly agents = new Map<string, Promise<LoadedAgent | null>>();

  constructor(
    private readonly catalog: CatalogStore,
    @Inject(SUBSCRIBER_REDIS) private readonly subscriber: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.catalog.changesChannel) return;
      try {
        const change = JSON.parse(message) as CatalogChange;
        if (change.kind === 'agent') this.agents.delete(change.id);
      } catch {
        this.agents.clear();
      }
    });
    // After a reconnect, changes may have been missed while unsubscribed: start afresh.
    this.subscriber.on('ready', () => this.agents.clear());
    await this.subscriber.subscribe(this.catalog.changesChannel);
  }

  /**
   * The agent at `minVersion` or newer. A job names the newest version its gateway knows of, so a
   * turn after a retraining never runs the old version, even before the change notice arrives.
   */
  async get(agentId: string, minVersion = 0): Promise<LoadedAgent | null> {
    const cached = await this.load(agentId);
    if ((cached?.version ?? 0) >= minVersion) return cached;
    this.agents.delete(agentId);
    return this.load(agentId);
  }

  private load(agentId: string): Promise<LoadedAgent | null> {
    let loading = this.agents.get(agentId);
    if (!loading) {
      loading = this.fetch(agentId);
      this.agents.set(agentId, loading);
      loading.catch(() => this.agents.delete(agentId));
    }
    return loading;
  }

  private async fetch(agentId: string): Promise<LoadedAgent | null> {
    const record = await this.catalog.getAgent(agentId);
    if (!record) return null;
    const { agent } = compileAgent(record.source, { channel: WEBIM_CHANNEL_VARIABLES });
    this.logger.log({ agentId, version: record.version }, 'Loaded agent');
    return { id: agentId, version: record.version, agent };
  }
}
