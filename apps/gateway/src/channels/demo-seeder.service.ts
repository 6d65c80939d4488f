import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { CatalogStore, newWebhookToken } from '@app/catalog';
import { GatewayEnv } from '@app/config';
import { compileAgent } from '@app/scenario';
import { COMMAND_REDIS, waitUntilReady } from '@app/redis';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';

export const DEMO_ID = 'demo';

function demoAgentPath(configured: string | undefined): string {
  const candidates = [
    configured,
    resolve(process.cwd(), 'agents/demo.yaml'),
    join(__dirname, '../../../agents/demo.yaml'),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Demo agent not found; looked in: ${candidates.join(', ')}`);
  return found;
}

/**
 * First start: a demo agent and a demo channel, so that a newcomer can talk to a bot at once.
 * Existing ones are left alone (a second gateway, or a restart, changes nothing). Production
 * seeds nothing unless SEED_DEMO=true.
 */
@Injectable()
export class DemoSeeder implements OnModuleInit {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly catalog: CatalogStore,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    private readonly env: GatewayEnv,
  ) {}

  async onModuleInit(): Promise<void> {
    await waitUntilReady(this.redis, 10_000);
    const seed = this.env.SEED_DEMO ?? (this.env.NODE_ENV === 'production' ? 'false' : 'true');
    if (seed !== 'true') return;
    if (!(await this.catalog.getAgent(DEMO_ID))) {
      const source = readFileSync(demoAgentPath(this.env.DEMO_AGENT_FILE), 'utf8');
      compileAgent(source, { channel: WEBIM_CHANNEL_VARIABLES }); // refuse to seed a broken demo
      await this.catalog.putAgent(DEMO_ID, source);
      this.logger.log('Created the demo agent');
    }
    const now = new Date().toISOString();
    const created = await this.catalog.createChannelIfAbsent({
      id: DEMO_ID,
      name: 'Demo channel',
      agentId: DEMO_ID,
      status: 'active',
      token: newWebhookToken(),
      configVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (created) this.logger.log('Created the demo channel');
  }
}
