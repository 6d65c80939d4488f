import type { ChainableCommander, Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatKeys, ChatKeys } from './conversation-keys';
import {
  ADMIT,
  CLAIM,
  COMMIT,
  COMMIT_PROACTIVE,
  ENQUEUE_PROACTIVE,
  POSTPONE,
  SETTLE,
} from './turn-scripts';
import { TimerToArm, timersToArm } from './timers';
import type { BotMessage } from '@app/scenario/model';
import type { TurnInput } from '@app/scenario/model';
import { TranscriptSource, Transcripts } from './transcript';
import { HandoffReason, newTurnId, StoredConversation, TurnReply } from './turn-contracts';

/**
 * How long a turn's outcome is kept: longer than any re-send of its request can come
 * (REQUEST_DEDUP_WINDOW_MS is at most 60 s), short enough to cost little memory.
 */
export const OUTCOME_TTL_MS = 90_000;

/** Polling backoff while an earlier turn of the same chat runs. */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 25;

export interface ConversationStoreOptions {
  keyPrefix: string;
  conversationTtlSec: number;
  /** How long a turn's outcome is kept: long enough for a re-sent request to find it. */
  outcomeTtlMs: number;
  /** Transcripts are off unless a retention is given. */
  transcriptRetentionSec?: number;
  transcriptMaxEntries?: number;
}

export type ClaimResult =
  /** `values`: the extra hash fields asked for, '' when absent. */
  | { status: 'ok'; conversation: StoredConversation | null; values: string[] }
  | { status: 'wait' | 'settled' | 'gone' };

export type CommitStatus = 'ok' | 'lost' | 'late';

export interface HandoffRecord {
  reason: HandoffReason;
  detail?: string;
  turnId: string;
  at: number;
}

type TurnCommands = {
  wgPostpone(...args: (string | number)[]): Promise<'ok' | 'lost'>;
  wgAdmit(...args: (string | number)[]): Promise<[number, string]>;
  wgClaim(...args: (string | number)[]): Promise<[string, string?]>;
  wgCommit(...args: (string | number)[]): Promise<[CommitStatus, number, ...string[]]>;
  wgSettle(...args: (string | number)[]): Promise<string | null>;
  wgEnqueueProactive(...args: (string | number)[]): Promise<number>;
  wgCommitProactive(...args: (string | number)[]): Promise<[string, number, ...string[]]>;
};

const TURN_COMMANDS: [keyof TurnCommands, string, number][] = [
  ['wgAdmit', ADMIT, 3],
  ['wgClaim', CLAIM, 4],
  ['wgCommit', COMMIT, 6],
  ['wgSettle', SETTLE, 3],
  ['wgEnqueueProactive', ENQUEUE_PROACTIVE, 2],
  ['wgCommitProactive', COMMIT_PROACTIVE, 6],
  ['wgPostpone', POSTPONE, 3],
];

/**
 * Defines the turn scripts on a client. The gateway does this on its queue connection too, so
 * that admission and the job it admits share one connection and one round trip.
 */
export function defineTurnCommands(redis: Redis): void {
  for (const [name, lua, numberOfKeys] of TURN_COMMANDS) {
    if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
  }
}

/** What admission decided: the turn to wait on, and whether it is new or a re-sent request's. */
export interface Admission {
  turnId: string;
  isNew: boolean;
}

/**
 * The I/O adapter of the turn protocol (see turn-scripts.ts). Gateways use admit/settle/outcome,
 * workers use claim/commit. One instance per Redis client.
 */
export class ConversationStore {
  private readonly redis: Redis & TurnCommands;
  readonly transcripts: Transcripts;

  constructor(
    redis: Redis,
    private readonly options: ConversationStoreOptions,
  ) {
    defineTurnCommands(redis);
    this.redis = redis as Redis & TurnCommands;
    this.transcripts = new Transcripts(redis, {
      keyPrefix: options.keyPrefix,
      retentionSec: options.transcriptRetentionSec ?? 0,
      maxEntries: options.transcriptMaxEntries ?? 1000,
    });
  }

  keys(channelId: string, chatId: string): ChatKeys {
    return chatKeys(this.options.keyPrefix, channelId, chatId);
  }

  /**
   * Admits a request as turn `turnId`; an identical request inside the window is told the turn
   * it repeats instead. `via` is the client to send it on, by default the store's: the gateway
   * sends it on its queue connection, right before the job, so that Redis runs the two in order
   * within one round trip (see defineTurnCommands).
   */
  admit(
    channelId: string,
    chatId: string,
    requestHash: string,
    deadline: number,
    dedupWindowMs: number,
    turnId = newTurnId(),
    via: Redis = this.redis,
  ): Promise<Admission> {
    const k = this.keys(channelId, chatId);
    return (via as Redis & TurnCommands)
      .wgAdmit(
        k.chat,
        k.turns,
        k.leases,
        requestHash,
        Date.now(),
        deadline,
        dedupWindowMs,
        this.options.conversationTtlSec,
        turnId,
      )
      .then(([isNew, admitted]) => ({ turnId: admitted, isNew: isNew === 1 }));
  }

  async outcome(channelId: string, chatId: string, turnId: string): Promise<TurnReply | null> {
    const raw = await this.redis.get(this.keys(channelId, chatId).outcome(turnId));
    return raw ? (JSON.parse(raw) as TurnReply) : null;
  }

  /**
   * Called by the gateway when its budget is spent: records the hand-off unless the turn was
   * answered in the meantime. Returns null if the hand-off won, else the outcome that was there.
   */
  async settle(
    channelId: string,
    chatId: string,
    turnId: string,
    reason: HandoffReason,
    input?: TurnInput,
  ): Promise<TurnReply | null> {
    const k = this.keys(channelId, chatId);
    const handoff: TurnReply = { messages: [], handoff: { reason } };
    const record: HandoffRecord = { reason, turnId, at: Date.now() };
    const entry = {
      source: 'webim' as const,
      input,
      turn: turnId,
      messages: [],
      handoff: { reason },
    };
    const pipeline = this.redis.pipeline();
    (pipeline as unknown as TurnCommands).wgSettle(
      k.chat,
      k.outcome(turnId),
      k.transcript,
      JSON.stringify(handoff),
      this.options.outcomeTtlMs,
      JSON.stringify(record),
      this.options.conversationTtlSec,
      ...this.transcripts.scriptArgs(entry, false),
    );
    this.transcripts.touch(pipeline, channelId, chatId);
    const existing = (await execFirst(pipeline)) as string | null;
    return existing ? (JSON.parse(existing) as TurnReply) : null;
  }

  async claim(
    channelId: string,
    chatId: string,
    turnId: string,
    leaseUntil: number,
    fields: string[] = [],
  ): Promise<ClaimResult> {
    const k = this.keys(channelId, chatId);
    const [status, state, ...values] = await this.redis.wgClaim(
      k.chat,
      k.turns,
      k.leases,
      k.outcome(turnId),
      turnId,
      Date.now(),
      leaseUntil,
      ...fields,
    );
    if (status === 'ok') {
      return {
        status,
        conversation: state ? (JSON.parse(state) as StoredConversation) : null,
        values: values as string[],
      };
    }
    return { status: status as 'wait' | 'settled' | 'gone' };
  }

  /**
   * Claims the turn, waiting while an earlier turn of the chat holds its place: polling, since
   * a wait happens only when turns of one chat overlap, which Webim's one-at-a-time requests
   * make rare. `beforeTry` runs before each attempt (a proactive turn renews its place there).
   * Gives `{status: 'timeout'}` when the chat is still busy at `until`.
   */
  async claimInTurn(args: {
    channelId: string;
    chatId: string;
    turnId: string;
    leaseUntil: () => number;
    until: number;
    beforeTry?: () => Promise<void>;
    fields?: string[];
  }): Promise<Extract<ClaimResult, { status: 'ok' }> | { status: 'settled' | 'gone' | 'timeout' }> {
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      await args.beforeTry?.();
      const claim = await this.claim(
        args.channelId,
        args.chatId,
        args.turnId,
        args.leaseUntil(),
        args.fields,
      );
      if (claim.status === 'ok') return claim;
      if (claim.status !== 'wait') return { status: claim.status };
      if (Date.now() > args.until) return { status: 'timeout' };
      await sleep(wait);
    }
  }

  /**
   * Ends a claimed turn: stores the new conversation (or keeps the old one when null), records
   * the outcome and publishes the reply, all or nothing. `delivered` counts the buffered
   * messages that went out ahead of the turn's own.
   */
  async commit(args: {
    channelId: string;
    chatId: string;
    turnId: string;
    conversation: StoredConversation | null;
    reply: TurnReply;
    /** The gateway's reply channel, and the job id it waits on. */
    replyTo: string;
    jobId: string;
    /** The visitor's input, for the transcript. */
    input?: TurnInput;
    /** What the turn does to the chat's timers (see timerOps); '' for nothing. */
    timerOps?: string;
  }): Promise<{ status: CommitStatus; delivered: number; arm: TimerToArm[] }> {
    const k = this.keys(args.channelId, args.chatId);
    const handoff: HandoffRecord | null = args.reply.handoff
      ? { ...args.reply.handoff, turnId: args.turnId, at: Date.now() }
      : null;
    const entry = {
      source: 'webim' as const,
      input: args.input,
      turn: args.turnId,
      messages: args.reply.messages,
      handoff: args.reply.handoff,
    };
    const pipeline = this.redis.pipeline();
    (pipeline as unknown as TurnCommands).wgCommit(
      k.chat,
      k.turns,
      k.leases,
      k.outcome(args.turnId),
      k.outbox,
      k.transcript,
      args.turnId,
      args.conversation ? JSON.stringify(args.conversation) : '',
      JSON.stringify(args.reply.messages),
      this.options.outcomeTtlMs,
      this.options.conversationTtlSec,
      args.replyTo,
      args.jobId,
      handoff ? JSON.stringify(handoff) : '',
      args.reply.handoff ? JSON.stringify(args.reply.handoff) : '',
      ...this.transcripts.scriptArgs(entry, true),
      args.timerOps ?? '',
      Date.now(),
    );
    this.transcripts.touch(pipeline, args.channelId, args.chatId);
    const [status, delivered, ...arm] = (await execFirst(pipeline)) as [
      CommitStatus,
      number,
      ...string[],
    ];
    return { status, delivered, arm: timersToArm(arm) };
  }

  /** Puts a proactive turn in its chat's order (idempotent for a retried job). */
  async enqueueProactive(
    channelId: string,
    chatId: string,
    turnId: string,
    leaseUntil: number,
  ): Promise<void> {
    const k = this.keys(channelId, chatId);
    await this.redis.wgEnqueueProactive(
      k.turns,
      k.leases,
      turnId,
      leaseUntil,
      this.options.conversationTtlSec,
    );
  }

  /**
   * Ends a claimed proactive turn: stores the conversation (or keeps it when null) and appends
   * its messages to the chat's outbox, capped at `outboxMax` (the oldest are dropped).
   */
  async commitProactive(args: {
    channelId: string;
    chatId: string;
    turnId: string;
    conversation: StoredConversation | null;
    messages: BotMessage[];
    outboxMax: number;
    /** The timer or event that ran, for the transcript; none for a turn that was dropped. */
    origin?: Exclude<TranscriptSource, { source: 'webim' }>;
    /** What the turn does to the chat's timers (see timerOps); '' for nothing. */
    timerOps?: string;
  }): Promise<{ status: 'ok' | 'lost' | 'settled'; dropped: number; arm: TimerToArm[] }> {
    const k = this.keys(args.channelId, args.chatId);
    const entry = args.origin
      ? { ...args.origin, turn: args.turnId, messages: args.messages }
      : null;
    const pipeline = this.redis.pipeline();
    (pipeline as unknown as TurnCommands).wgCommitProactive(
      k.chat,
      k.turns,
      k.leases,
      k.outcome(args.turnId),
      k.outbox,
      k.transcript,
      args.turnId,
      args.conversation ? JSON.stringify(args.conversation) : '',
      this.options.outcomeTtlMs,
      this.options.conversationTtlSec,
      args.outboxMax,
      ...this.transcripts.scriptArgs(entry, true),
      args.timerOps ?? '',
      Date.now(),
      ...args.messages.map((m) => JSON.stringify(m)),
    );
    this.transcripts.touch(pipeline, args.channelId, args.chatId);
    const [status, dropped, ...arm] = (await execFirst(pipeline)) as [string, number, ...string[]];
    return { status: status as 'ok' | 'lost' | 'settled', dropped, arm: timersToArm(arm) };
  }

  /**
   * Gives up a claimed timer turn without running it, because the timer is now due later, and
   * records `armedValue` (`<jobId>|<dueMs>`) as the job armed for it.
   */
  async postpone(
    channelId: string,
    chatId: string,
    turnId: string,
    armedField: string,
    armedValue: string,
  ): Promise<'ok' | 'lost'> {
    const k = this.keys(channelId, chatId);
    return this.redis.wgPostpone(k.chat, k.turns, k.leases, turnId, armedField, armedValue);
  }

  /** Records the job armed for a timer, before it is added (its run checks it is the one). */
  async markArmed(channelId: string, chatId: string, field: string, value: string): Promise<void> {
    await this.redis.hset(this.keys(channelId, chatId).chat, field, value);
  }

  /** Whether the chat has a conversation (a state), for incoming requests. */
  async exists(channelId: string, chatId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys(channelId, chatId).chat, 'state')) === 1;
  }

  /** The messages waiting in the chat's outbox, oldest first. */
  async outbox(channelId: string, chatId: string): Promise<BotMessage[]> {
    const raw = await this.redis.lrange(this.keys(channelId, chatId).outbox, 0, -1);
    return raw.map((m) => JSON.parse(m) as BotMessage);
  }

  /** The stored conversation and its last hand-off, for inspection and tests. */
  async read(
    channelId: string,
    chatId: string,
  ): Promise<{
    conversation: StoredConversation | null;
    handoff: HandoffRecord | null;
    turns: number;
  }> {
    const k = this.keys(channelId, chatId);
    const [state, handoff, seq] = await this.redis.hmget(k.chat, 'state', 'handoff', 'seq');
    return {
      conversation: state ? (JSON.parse(state) as StoredConversation) : null,
      handoff: handoff ? (JSON.parse(handoff) as HandoffRecord) : null,
      turns: seq ? Number(seq) : 0,
    };
  }
}

/** Runs a pipeline and returns its first command's result, throwing that command's error. */
async function execFirst(pipeline: ChainableCommander): Promise<unknown> {
  const results = await pipeline.exec();
  const [error, value] = results?.[0] ?? [new Error('The pipeline returned nothing'), null];
  if (error) throw error;
  return value;
}
