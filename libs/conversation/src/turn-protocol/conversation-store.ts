import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BotMessage, TurnInput } from '@app/scenario';
import { ChatKeys, chatKeys, ChatRef } from '../conversation-keys';
import {
  DueTimer,
  decodeTimersToArm,
  encodeTimerOps,
  runningTimers,
  TimerOp,
  TimerRef,
  timerFields,
} from '../timers';
import { StepRequestTrace, TranscriptSource, Transcripts } from '../transcript';
import {
  Handoff,
  HandoffReason,
  newTurnId,
  StoredConversation,
  TurnReply,
} from '../turn-contracts';
import { defineTurnScripts, TurnScriptClient, TurnScriptPipeline } from './turn-scripts';

/**
 * How long a visitor turn's outcome is kept: longer than any re-send of its request can come
 * (REQUEST_DEDUP_WINDOW_MS is at most 60 s), short enough to cost little memory.
 */
export const OUTCOME_TTL_MS = 90_000;

/** Polling backoff while an earlier turn of the same chat runs. */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 25;

export interface ConversationStoreOptions {
  keyPrefix: string;
  conversationTtlSec: number;
  /**
   * How long a visitor turn's outcome is kept: long enough for a re-sent request to find it. A
   * proactive turn's is kept `conversationTtlSec`.
   */
  outcomeTtlMs: number;
  /** Transcripts are off unless a retention is given. */
  transcriptRetentionSec?: number;
  transcriptMaxEntries?: number;
}

/** A turn of a chat. */
export interface TurnRef extends ChatRef {
  turnId: string;
}

/** What admission decided: the turn to wait on, and whether it is new or a re-sent request's. */
export interface Admission {
  turnId: string;
  isNew: boolean;
}

export type ClaimResult =
  /** `values`: the extra hash fields asked for, '' when absent. */
  | { status: 'ok'; conversation: StoredConversation | null; values: string[] }
  | { status: 'wait' | 'settled' | 'gone' };

/** The chat's last hand-off, as its hash keeps it. */
export interface HandoffRecord extends Handoff {
  turnId: string;
  at: number;
}

/**
 * Where a committed turn's messages go: a visitor turn's answer is published to the gateway
 * that waits on its job; a timer's or an incoming request's are buffered in the chat's outbox.
 */
export type CommitSink =
  | {
      kind: 'reply';
      handoff: Handoff | null;
      replyTo: string;
      jobId: string;
      /** The commit publishes nothing: the worker calls publish() once replicas have it. */
      publishLater?: boolean;
    }
  | { kind: 'outbox'; outboxMax: number };

export interface TurnCommit extends TurnRef {
  /** The new conversation; null keeps the stored one. */
  conversation: StoredConversation | null;
  /** The turn's own messages. */
  messages: BotMessage[];
  sink: CommitSink;
  /** Where the turn came from, for its transcript entry; null records none. */
  origin: TranscriptSource | null;
  /** Its call and llm steps' requests, for its transcript entry. */
  requests?: StepRequestTrace[];
  timers: TimerOp[];
}

export interface CommitResult {
  /**
   * `lost`: a later turn took over after this one's lease; `settled`: the turn already had
   * its outcome (the gateway handed off first, or a worker that died had committed it).
   * Either way nothing of the turn was written.
   */
  status: 'ok' | 'lost' | 'settled';
  /** Buffered messages that went out at the head of the answer. */
  delivered: number;
  /** Buffered messages dropped over the outbox's cap, oldest first. */
  dropped: number;
  /** Timers the commit found with no job that will fire them in time. */
  arm: DueTimer[];
}

/**
 * The turn protocol's adapter (scripts in ./lua): the one place that knows the scripts' keys
 * and the order of their arguments, and reads their replies into types. Gateways admit,
 * settle and read outcomes; workers claim, commit, join (proactive turns) and postpone.
 */
export class ConversationStore {
  private readonly redis: TurnScriptClient;
  readonly transcripts: Transcripts;
  /** The connection the store writes on: what a wait for replicas after a commit is sent on. */
  readonly client: Redis;

  constructor(
    redis: Redis,
    private readonly options: ConversationStoreOptions,
  ) {
    this.client = redis;
    this.redis = defineTurnScripts(redis);
    this.transcripts = new Transcripts(redis, {
      keyPrefix: options.keyPrefix,
      retentionSec: options.transcriptRetentionSec ?? 0,
      maxEntries: options.transcriptMaxEntries ?? 1000,
    });
  }

  keys({ channelId, chatId }: ChatRef): ChatKeys {
    return chatKeys(this.options.keyPrefix, channelId, chatId);
  }

  /**
   * Admits a request as turn `turnId`; an identical request inside the window is told the turn
   * it repeats instead. `via` is the client to send it on, by default the store's: the gateway
   * sends it on its queue connection, right before the job, so that Redis runs the two in order
   * within one round trip.
   */
  async admit(
    request: ChatRef & {
      turnId?: string;
      requestHash: string;
      deadline: number;
      dedupWindowMs: number;
    },
    via: TurnScriptClient = this.redis,
  ): Promise<Admission> {
    const k = this.keys(request);
    const [isNew, turnId] = (await via.wg_admit(
      k.chat,
      k.turns,
      k.leases,
      request.requestHash,
      Date.now(),
      request.deadline,
      request.dedupWindowMs,
      this.options.conversationTtlSec,
      request.turnId ?? newTurnId(),
    )) as [number, string];
    return { turnId, isNew: isNew === 1 };
  }

  async outcome(channelId: string, chatId: string, turnId: string): Promise<TurnReply | null> {
    const raw = await this.redis.get(this.keys({ channelId, chatId }).outcome(turnId));
    return raw ? (JSON.parse(raw) as TurnReply) : null;
  }

  /**
   * Called by the gateway when its budget is spent: records the hand-off unless the turn was
   * answered in the meantime. Returns null if the hand-off won, else the outcome that was there.
   */
  async settle(
    turn: TurnRef & { reason: HandoffReason; input?: TurnInput },
  ): Promise<TurnReply | null> {
    const k = this.keys(turn);
    const handoff = { reason: turn.reason };
    const reply: TurnReply = { messages: [], handoff };
    const record: HandoffRecord = { ...handoff, turnId: turn.turnId, at: Date.now() };
    const entry = { source: 'webim' as const, input: turn.input, turn: turn.turnId };
    const pipeline = this.redis.pipeline();
    void pipeline.wg_settle(
      k.chat,
      k.outcome(turn.turnId),
      k.transcript,
      JSON.stringify(reply),
      this.options.outcomeTtlMs,
      JSON.stringify(record),
      this.options.conversationTtlSec,
      ...this.transcripts.scriptArgs({ ...entry, messages: [], handoff }),
    );
    this.transcripts.touch(pipeline, turn);
    const existing = (await execFirst(pipeline)) as string | null;
    return existing ? (JSON.parse(existing) as TurnReply) : null;
  }

  /** Claims the turn if it is the head of its chat; `fields`: more of the chat's hash to read. */
  async claim(turn: TurnRef & { leaseUntil: number; fields?: string[] }): Promise<ClaimResult> {
    const k = this.keys(turn);
    const [status, state, ...values] = (await this.redis.wg_claim(
      k.chat,
      k.turns,
      k.leases,
      k.outcome(turn.turnId),
      turn.turnId,
      Date.now(),
      turn.leaseUntil,
      ...(turn.fields ?? []),
    )) as [ClaimResult['status'], string?, ...string[]];
    if (status !== 'ok') return { status };
    return {
      status,
      conversation: state ? (JSON.parse(state) as StoredConversation) : null,
      values,
    };
  }

  /**
   * Claims the turn, waiting while an earlier turn of the chat holds its place: polling, since
   * a wait happens only when turns of one chat overlap, which Webim's one-at-a-time requests
   * make rare. `beforeTry` runs before each attempt (a proactive turn renews its place there).
   * Gives `{status: 'timeout'}` when the chat is still busy at `until`.
   */
  async claimInTurn(
    turn: TurnRef & {
      leaseUntil: () => number;
      until: number;
      beforeTry?: () => Promise<void>;
      fields?: string[];
    },
  ): Promise<Extract<ClaimResult, { status: 'ok' }> | { status: 'settled' | 'gone' | 'timeout' }> {
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      await turn.beforeTry?.();
      const claim = await this.claim({ ...turn, leaseUntil: turn.leaseUntil() });
      if (claim.status === 'ok') return claim;
      if (claim.status !== 'wait') return { status: claim.status };
      if (Date.now() > turn.until) return { status: 'timeout' };
      await sleep(wait);
    }
  }

  /** Puts a proactive turn in its chat's order, once (a retried job keeps its place). */
  async join(turn: TurnRef & { leaseUntil: number }): Promise<void> {
    const k = this.keys(turn);
    await this.redis.wg_join(
      k.turns,
      k.leases,
      turn.turnId,
      turn.leaseUntil,
      this.options.conversationTtlSec,
    );
  }

  /**
   * Ends a claimed turn, all or nothing: the conversation, the messages into their sink, the
   * outcome, the transcript entry and the timers.
   */
  async commit(commit: TurnCommit): Promise<CommitResult> {
    const k = this.keys(commit);
    const { sink } = commit;
    const reply = sink.kind === 'reply' ? sink : undefined;
    const handoffRecord: HandoffRecord | null = reply?.handoff
      ? { ...reply.handoff, turnId: commit.turnId, at: Date.now() }
      : null;
    const entry = commit.origin && {
      ...commit.origin,
      turn: commit.turnId,
      messages: commit.messages,
      ...(commit.requests?.length && { requests: commit.requests }),
      ...(reply && { handoff: reply.handoff }),
    };
    const pipeline = this.redis.pipeline();
    void pipeline.wg_commit(
      k.chat,
      k.turns,
      k.leases,
      k.outcome(commit.turnId),
      k.outbox,
      k.transcript,
      commit.turnId,
      sink.kind,
      commit.conversation ? JSON.stringify(commit.conversation) : '',
      handoffRecord ? JSON.stringify(handoffRecord) : '',
      reply?.handoff ? JSON.stringify(reply.handoff) : '',
      this.outcomeTtlMs(sink),
      this.options.conversationTtlSec,
      reply && !reply.publishLater ? reply.replyTo : '',
      reply?.jobId ?? '',
      sink.kind === 'outbox' ? sink.outboxMax : 0,
      ...this.transcripts.scriptArgs(entry),
      encodeTimerOps(commit.timers),
      Date.now(),
      commit.messages.map((message) => JSON.stringify(message)).join('\n'),
    );
    this.transcripts.touch(pipeline, commit);
    const [status, delivered = 0, dropped = 0, ...arm] = (await execFirst(pipeline)) as [
      CommitResult['status'],
      number?,
      number?,
      ...string[],
    ];
    return { status, delivered, dropped, arm: decodeTimersToArm(arm) };
  }

  /**
   * How long a committed turn's outcome is kept. A visitor turn's only needs to outlive the
   * re-sends of its request. A proactive turn's is what keeps its job from committing twice
   * when it runs again (its worker died after the commit), which happens once a live worker
   * notices, however long that takes: it is kept as long as an idle conversation,
   * CONVERSATION_TTL_SEC, a few bytes a turn.
   */
  private outcomeTtlMs(sink: CommitSink): number {
    return sink.kind === 'outbox'
      ? this.options.conversationTtlSec * 1000
      : this.options.outcomeTtlMs;
  }

  /**
   * Publishes a committed visitor turn's outcome to the gateway waiting on `jobId`, for a
   * commit made with `publishLater`. False when the outcome is no longer there.
   */
  async publish(turn: TurnRef & { replyTo: string; jobId: string }): Promise<boolean> {
    const k = this.keys(turn);
    return (await this.redis.wg_publish(k.outcome(turn.turnId), turn.replyTo, turn.jobId)) === 1;
  }

  /**
   * Gives up a claimed proactive turn without running it, for its job to run again later. A
   * timer's turn, whose timer is now due later, records `armed` (see timers.ts armedValue) as
   * the job armed for it; a turn of no timer passes '' for both.
   */
  async postpone(turn: TurnRef & { armedField: string; armed: string }): Promise<'ok' | 'lost'> {
    const k = this.keys(turn);
    return (await this.redis.wg_postpone(
      k.chat,
      k.turns,
      k.leases,
      turn.turnId,
      turn.armedField,
      turn.armed,
    )) as 'ok' | 'lost';
  }

  /**
   * Makes a running timer due now, with `jobId` as the job armed for it: the caller adds that
   * job, undelayed, right after. False when the timer is not running in the chat.
   */
  async fireNow(chat: ChatRef, timer: TimerRef, jobId: string, nowMs: number): Promise<boolean> {
    const { due, armed } = timerFields(timer);
    return (await this.redis.wg_fire(this.keys(chat).chat, due, armed, jobId, nowMs)) === 1;
  }

  // Reads, for the management API, incoming requests and tests.

  /** Whether the chat has a conversation (a state), for incoming requests. */
  async exists(channelId: string, chatId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys({ channelId, chatId }).chat, 'state')) === 1;
  }

  /** The messages waiting in the chat's outbox, oldest first. */
  async outbox(channelId: string, chatId: string): Promise<BotMessage[]> {
    const raw = await this.redis.lrange(this.keys({ channelId, chatId }).outbox, 0, -1);
    return raw.map((m) => JSON.parse(m) as BotMessage);
  }

  /** The chat's running timers, earliest due first. */
  async timers(channelId: string, chatId: string): Promise<DueTimer[]> {
    return runningTimers(await this.redis.hgetall(this.keys({ channelId, chatId }).chat));
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
    const [state, handoff, seq] = await this.redis.hmget(
      this.keys({ channelId, chatId }).chat,
      'state',
      'handoff',
      'seq',
    );
    return {
      conversation: state ? (JSON.parse(state) as StoredConversation) : null,
      handoff: handoff ? (JSON.parse(handoff) as HandoffRecord) : null,
      turns: seq ? Number(seq) : 0,
    };
  }
}

/** Runs a pipeline and returns its first command's result, throwing that command's error. */
async function execFirst(pipeline: TurnScriptPipeline): Promise<unknown> {
  const results = await pipeline.exec();
  const [error, value] = results?.[0] ?? [new Error('The pipeline returned nothing'), null];
  if (error) throw error;
  return value;
}
