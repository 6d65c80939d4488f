import { randomBytes } from 'node:crypto';
import type { BotMessage, ConversationState, TurnInput } from '@app/scenario/model';

/** A timer firing or an incoming request: runs a branch; its messages wait in the outbox. */
export interface ProactiveJobData {
  v: 1;
  kind: 'timer' | 'event';
  channelId: string;
  chatId: string;
  agentId: string;
  /** The timer's or the event's name, as the agent declares it. */
  name: string;
  /** An event's data: becomes `event_<key>` variables. */
  data?: Record<string, string>;
}

/** Why a chat was handed to a human operator instead of getting the bot's answer. */
export type HandoffReason =
  | 'bot_handoff' // the scenario asked for it (its own reason is in `detail`)
  | 'timeout' // no answer inside REPLY_BUDGET_MS
  | 'breaker_open' // the channel's breaker is open: failing fast
  | 'redis_unavailable'
  | 'scenario_error' // the agent is missing, broken, or looped past the step limit
  | 'channel_inactive'
  | 'unknown_event'
  | 'unsupported_message'
  | 'internal_error';

/** What a turn produced, channel-neutral. Stored as the turn's outcome and published to the gateway. */
export interface TurnReply {
  messages: BotMessage[];
  handoff: { reason: HandoffReason; detail?: string } | null;
}

export interface TurnJobData {
  v: 1;
  channelId: string;
  chatId: string;
  agentId: string;
  /** The newest agent version the gateway knows of: the worker runs this one or a newer one. */
  agentVersion: number;
  /** The turn's id within its chat; orders turns and names the outcome. */
  turnId: string;
  input: TurnInput;
  /** Epoch ms after which the gateway has answered Webim without this turn. */
  deadline: number;
  enqueuedAt: number;
  /** Pub/Sub channel of the gateway instance waiting for the reply. */
  replyTo: string;
}

/** The job's return value, shown in Bull Board and read by tests. */
export interface TurnJobResult {
  status: TurnRunStatus;
  handoff?: HandoffReason;
  steps?: number;
  waitedMs?: number;
  ranMs?: number;
  /** Buffered messages of timers and incoming requests that went out at the head of the answer. */
  delivered?: number;
}

export type TurnRunStatus =
  | 'answered' // committed; the gateway got the reply
  | 'expired' // picked up after its deadline: not run
  | 'settled' // the gateway had already handed the chat off: not run
  | 'late' // ran, but the gateway handed off first: result discarded, conversation unchanged
  | 'lost' // ran, but a later turn took over after this one's lease: result discarded
  | 'gone'; // its place in the chat's order is gone (expired while waiting): not run

/** A conversation as stored between turns. */
export interface StoredConversation {
  agentId: string;
  agentVersion: number;
  state: ConversationState;
}

/**
 * A new turn id, unique among all turns of all chats: the process's random tag and a counter.
 * The gateway chooses it before admission, so that admission and the job can go to Redis in
 * one round trip; a re-sent request is told the id of the turn it repeats instead.
 */
export function newTurnId(): string {
  turnCounter += 1;
  return `${PROCESS_TAG}-${turnCounter.toString(36)}`;
}

const PROCESS_TAG = randomBytes(5).toString('hex');
let turnCounter = 0;
