export type ChannelStatus = 'active' | 'inactive';

/** A Webim channel: where Webim sends requests, and which agent answers them. */
export interface ChannelRecord {
  id: string;
  name: string;
  agentId: string;
  status: ChannelStatus;
  /** The secret part of the webhook URL. Never logged. */
  token: string;
  createdAt: string;
  updatedAt: string;
}

/** A trained agent: its YAML source and a version that grows with every retraining. */
export interface AgentRecord {
  id: string;
  version: number;
  source: string;
  trainedAt: string;
}

/** Published on the config channel whenever a channel or agent changes. */
export interface CatalogChange {
  kind: 'channel' | 'agent';
  id: string;
}
