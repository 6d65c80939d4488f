/** A chat of a channel: what every key of the turn protocol is scoped to. */
export interface ChatRef {
  channelId: string;
  chatId: string;
}

/**
 * Redis keys of one chat. They share a `{channel:chat}` hash tag so that every turn script
 * touches a single Redis Cluster slot.
 */
export interface ChatKeys {
  /**
   * Hash: `state` (StoredConversation JSON), `seq` (turns admitted), `last` (dedupe), `handoff`,
   * and per timer `timer:<agent>:<name>` and `armed:<agent>:<name>` (see timers.ts).
   */
  chat: string;
  /** List of turn ids in arrival order; the head is the turn allowed to run. */
  turns: string;
  /** Hash turnId → epoch ms until which that turn holds its place (deadline, then lease). */
  leases: string;
  /** String: the turn's outcome (TurnReply JSON), set once by whoever settles it first. */
  outcome(turnId: string): string;
  /** List of BotMessage JSON: what timers and events said, waiting for the chat's next answer. */
  outbox: string;
  /** List of TranscriptEntry JSON, capped, kept TRANSCRIPT_RETENTION_SEC after the last turn. */
  transcript: string;
}

export function chatKeys(prefix: string, channelId: string, chatId: string): ChatKeys {
  const base = `${prefix}:chat:{${channelId}:${chatId}}`;
  return {
    chat: base,
    turns: `${base}:turns`,
    leases: `${base}:leases`,
    outcome: (turnId) => `${base}:out:${turnId}`,
    outbox: `${base}:outbox`,
    transcript: `${base}:transcript`,
  };
}

/** Pub/Sub channel on which a gateway instance receives its replies. */
export function replyChannel(prefix: string, instanceId: string): string {
  return `${prefix}:replies:${instanceId}`;
}
