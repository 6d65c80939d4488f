import { randomBytes } from 'node:crypto';
import type {
  BotMessage,
  ConversationState,
  IoRequest,
  TurnInput,
  VisitorInput,
} from '@app/scenario';

/**
 * A timer firing, an incoming request, or the rest of a branch after a `then: later` step:
 * runs scenario steps whose messages wait in the outbox.
 */
export interface ProactiveJobData {
  v: 1;
  kind: 'timer' | 'event' | 'later';
  channelId: string;
  chatId: string;
  agentId: string;
  /** The timer's or the event's name, as the agent declares it; `call` or `llm` for `later`. */
  name: string;
  /** An event's data: becomes `event_<key>` variables. */
  data?: Record<string, string>;
  /** What a `later` job makes and goes on with. */
  later?: LaterWork;
}

/**
 * The rest of a branch after a `then: later` step: the request to make (rendered, secrets by
 * name only), and what the turn that reached the step leaves to the rest of the branch.
 */
export interface LaterWork {
  /** The id the conversation is marked with while the request is out (state.later.id). */
  id: string;
  request: IoRequest;
  /** The visitor's input the turn had taken, for the `route` steps still to come. */
  input?: VisitorInput;
}

/** Why a chat was handed to a human operator instead of getting the bot's answer. */
export const HANDOFF_REASONS = [
  'bot_handoff', // the scenario asked for it (its own reason is in `detail`)
  'call_failed', // a call step's request failed, and the step has no `error` branch
  'call_timeout', // a call step's request ran out of time, and the step has no `timeout` branch
  'llm_failed',
  'llm_timeout',
  'timeout', // no answer inside REPLY_BUDGET_MS
  'breaker_open', // the channel's breaker is open: failing fast
  'redis_unavailable',
  'scenario_error', // the agent is missing, broken, or looped past the step limit
  'channel_inactive',
  'unknown_event',
  'unsupported_message',
  'internal_error',
] as const;

export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** A chat handed to an operator, and why (the bot's own reason is in `detail`). */
export interface Handoff {
  reason: HandoffReason;
  detail?: string;
}

/** What a turn produced, channel-neutral. Stored as the turn's outcome and published to the gateway. */
export interface TurnReply {
  messages: BotMessage[];
  handoff: Handoff | null;
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
