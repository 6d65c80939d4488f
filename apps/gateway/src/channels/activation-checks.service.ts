import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { CatalogStore, ChannelRecord } from '@app/catalog';
import { GatewayEnv } from '@app/config';
import { HeartbeatReader } from '@app/heartbeats';
import { redactUrl } from '@app/logging';
import { ChannelRegistry } from './channel-registry.service';

export type ActivationCheckName = 'agent_trained' | 'webhook_registered' | 'address_accessible';

export interface ActivationCheck {
  name: ActivationCheckName;
  ok: boolean;
  reason: string;
}

/** How long live gateway instances get to acknowledge a configuration. */
export const ACK_TIMEOUT_MS = 3000;
const ACK_POLL_MS = 50;
/** How long the gateway waits for its own webhook URL to answer. */
const ADDRESS_TIMEOUT_MS = 3000;

/**
 * The checks that stand between a saved channel and an active one: the agent is
 * trained, every gateway instance serves the channel's configuration, and the webhook URL
 * answers from outside (through PUBLIC_BASE_URL), as Webim will call it.
 */
@Injectable()
export class ActivationChecks {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly registry: ChannelRegistry,
    private readonly heartbeats: HeartbeatReader,
    @Inject(GatewayEnv) private readonly env: GatewayEnv,
  ) {}

  async agentTrained(agentId: string): Promise<ActivationCheck> {
    const version = await this.catalog.getAgentVersion(agentId);
    return version
      ? {
          name: 'agent_trained',
          ok: true,
          reason: `Agent "${agentId}" is trained (version ${version})`,
        }
      : {
          name: 'agent_trained',
          ok: false,
          reason: `Agent "${agentId}" has no trained version: PUT /api/agents/${agentId} first`,
        };
  }

  /** Waits until every live gateway instance acknowledges `configVersion` of the channel. */
  async webhookRegistered(channelId: string, configVersion: number): Promise<ActivationCheck> {
    const until = Date.now() + ACK_TIMEOUT_MS;
    for (;;) {
      const [instances, acks] = await Promise.all([
        this.heartbeats.members('gateways'),
        this.catalog.channelAcks(channelId),
      ]);
      const behind = instances.filter((id) => (acks[id] ?? 0) < configVersion);
      if (instances.length > 0 && behind.length === 0) {
        return {
          name: 'webhook_registered',
          ok: true,
          reason: `All ${instances.length} gateway instance(s) serve configuration ${configVersion}`,
        };
      }
      if (Date.now() >= until) {
        return {
          name: 'webhook_registered',
          ok: false,
          reason: `${behind.length} of ${instances.length} gateway instance(s) did not confirm configuration ${configVersion} within ${ACK_TIMEOUT_MS} ms`,
        };
      }
      await sleep(ACK_POLL_MS);
    }
  }

  /** GETs the channel's webhook URL, which answers with a description naming the channel. */
  async addressAccessible(channel: ChannelRecord): Promise<ActivationCheck> {
    const url = this.registry.webhookUrl(channel);
    // The reason is shown to admins and may be logged: name the URL without its token.
    const shown = redactUrl(url);
    const hint = this.env.PUBLIC_BASE_URL ? '' : ' (set PUBLIC_BASE_URL to the address Webim uses)';
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(ADDRESS_TIMEOUT_MS) });
      const body = (await response.json().catch(() => null)) as {
        channel?: { id?: string };
      } | null;
      if (response.ok && body?.channel?.id === channel.id) {
        return { name: 'address_accessible', ok: true, reason: `GET ${shown} answered${hint}` };
      }
      return {
        name: 'address_accessible',
        ok: false,
        reason: `GET ${shown} answered ${response.status}, not this channel's webhook`,
      };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return {
        name: 'address_accessible',
        ok: false,
        reason: `GET ${shown} failed: ${cause ?? (error as Error).name}${hint}`,
      };
    }
  }
}
