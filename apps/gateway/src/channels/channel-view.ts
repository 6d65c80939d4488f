import type { ChannelRecord } from '@app/catalog';
import type { ActivationCheck } from './activation-checks.service';

export interface ActivationReport {
  activated: boolean;
  checks: ActivationCheck[];
}

/** A channel as the API shows it: secrets reduced to whether they are set. */
export interface ChannelView {
  id: string;
  name: string;
  agentId: string;
  status: ChannelRecord['status'];
  webhookUrl: string;
  webim: { domain: string | null; email: string | null; passwordSet: boolean };
  configVersion: number;
  createdAt: string;
  updatedAt: string;
  activation?: ActivationReport;
}

export function channelView(
  channel: ChannelRecord,
  webhookUrl: string,
  activation?: ActivationReport,
): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    agentId: channel.agentId,
    status: channel.status,
    webhookUrl,
    webim: {
      domain: channel.webim?.domain ?? null,
      email: channel.webim?.email ?? null,
      passwordSet: channel.webim?.passwordSealed !== undefined,
    },
    configVersion: channel.configVersion,
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
    ...(activation ? { activation } : {}),
  };
}
