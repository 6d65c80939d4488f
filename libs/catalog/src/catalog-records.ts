export type ChannelStatus = 'active' | 'inactive';

/** What the gateway needs to collect a chat's dialogue log from Webim after a hand-off. */
export interface WebimCredentials {
  /** The Webim account's domain, e.g. `demo.webim.ru`. */
  domain?: string;
  email?: string;
  /** Sealed with SecretBox (AES-256-GCM); never returned, never logged. */
  passwordSealed?: string;
}

/** A Webim channel: where Webim sends requests, and which agent answers them. */
export interface ChannelRecord {
  id: string;
  name: string;
  agentId: string;
  status: ChannelStatus;
  /** The secret part of the webhook URL. Never logged. */
  token: string;
  /** Grows with every change; gateway instances acknowledge the version they serve. */
  configVersion: number;
  webim?: WebimCredentials;
  createdAt: string;
  updatedAt: string;
}

/** How one training of an agent went, kept with each stored version. */
export interface AgentTestSummary {
  passed: number;
  failed: number;
}

export interface AgentVersionRecord {
  version: number;
  trainedAt: string;
  tests: AgentTestSummary;
}

/** A trained agent: its YAML source and a version that grows with every retraining. */
export interface AgentRecord {
  id: string;
  version: number;
  source: string;
  trainedAt: string;
  /** The report of the latest training's tests (name, passed, failures), as JSON. */
  tests?: unknown[];
}

/**
 * A stored secret (an API key, a token) as anyone may see it: everything but its value, which
 * is sealed in Redis, read only by the resolver of the process that sends it, and never shown.
 */
export interface SecretMetadata {
  name: string;
  description?: string;
  /** Grows with every replacement. */
  version: number;
  /** Tells two values apart without revealing either (see SecretBox.fingerprint). */
  fingerprint: string;
  createdAt: string;
  updatedAt: string;
}

/** Published on the config channel whenever a channel, agent or secret changes. */
export interface CatalogChange {
  kind: 'channel' | 'agent' | 'secret';
  id: string;
}
