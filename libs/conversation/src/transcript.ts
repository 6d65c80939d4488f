import type { ChainableCommander, Redis } from 'ioredis';
import type { BotMessage, TurnInput } from '@app/scenario';
import { chatKeys, ChatRef } from './conversation-keys';
import type { TurnReply } from './turn-contracts';

/** Where a turn came from: a Webim request, a timer firing, or an incoming request. */
export type TranscriptSource =
  | { source: 'webim'; input?: TurnInput }
  | { source: 'timer'; name: string }
  | { source: 'event'; name: string; data?: Record<string, string> }
  /** The rest of a branch, run when the request of its `then: later` step came back. */
  | { source: 'later'; step: 'call' | 'llm' };

/**
 * What a call or llm step sent and what came back, as a transcript keeps it: secrets by name
 * only (`<secret NAME>`), bodies and texts cut to TRACE_TEXT_MAX characters.
 */
export interface StepRequestTrace {
  step: 'call' | 'llm';
  /** A call's `METHOD url`; an llm request's `mode model` (the deployment's model: `default`). */
  sent: string;
  /** A call's headers as `name: value`. */
  headers?: string[];
  /** A call's JSON or form body; an llm request's last message. */
  body?: string;
  /** The outcome the scenario routed on. */
  outcome: 'ok' | 'error' | 'timeout';
  status?: number;
  /** The answer's body, the model's text, or what went wrong. */
  received?: string;
  ms: number;
  /** Made after the answer, for the rest of the branch of a `then: later` step. */
  later?: boolean;
}

/** The longest body or text a trace keeps. */
export const TRACE_TEXT_MAX = 1000;

/**
 * One turn of a chat as an operator reads it afterwards. Webim turns list the buffered messages
 * they `delivered` before their own `messages`; proactive turns list the messages they buffered
 * and how many older ones the outbox cap `dropped`.
 */
export type TranscriptEntry = TranscriptSource & {
  at: string;
  /** Absent for requests answered without a turn (an inactive channel, an unknown event). */
  turn?: string;
  messages: BotMessage[];
  /** The requests of the turn's call and llm steps, in order; absent when it made none. */
  requests?: StepRequestTrace[];
  handoff?: TurnReply['handoff'];
  delivered?: BotMessage[];
  dropped?: number;
};

export interface TranscriptOptions {
  keyPrefix: string;
  /** 0 turns transcripts (and the chat index) off. */
  retentionSec: number;
  maxEntries: number;
}

export interface ChatSummary {
  chatId: string;
  lastActivityAt: string;
}

/** One index write in this many also trims the chats past the retention. */
const TRIM_EVERY = 64;

/**
 * Transcripts and the per-channel index of recent chats. Entries are written by the turn
 * scripts in the same atomic step as the outcome they describe (see turn-protocol/lua); this
 * class builds them, maintains the index beside them, and reads both back.
 */
export class Transcripts {
  constructor(
    private readonly redis: Redis,
    private readonly options: TranscriptOptions,
  ) {}

  get enabled(): boolean {
    return this.options.retentionSec > 0;
  }

  /** A turn script's arguments for an entry: the entry's JSON ('' for none), retention, cap. */
  scriptArgs(entry: Omit<TranscriptEntry, 'at'> | null): [string, number, number] {
    if (!entry || !this.enabled) return ['', 0, 0];
    const json = JSON.stringify({ at: new Date().toISOString(), ...entry });
    return [json, this.options.retentionSec, this.options.maxEntries];
  }

  private indexKey(channelId: string): string {
    return `${this.options.keyPrefix}:chats:${channelId}`;
  }

  /**
   * Queues the index update on a pipeline, so that it costs no round trip of its own. Chats
   * past the retention are trimmed on one write in TRIM_EVERY (on average), which bounds the
   * index just as well, and before every listing.
   */
  touch(pipeline: ChainableCommander, { channelId, chatId }: ChatRef): void {
    if (!this.enabled) return;
    const key = this.indexKey(channelId);
    pipeline.zadd(key, Date.now(), chatId).expire(key, this.options.retentionSec);
    if (Math.random() * TRIM_EVERY < 1) pipeline.zremrangebyscore(key, '-inf', this.expired());
  }

  /** The score bound, exclusive, below which a chat's last activity is past the retention. */
  private expired(): string {
    return `(${Date.now() - this.options.retentionSec * 1000}`;
  }

  /**
   * Records a turn the gateway answered without a worker (an inactive channel, an unsupported
   * message): no outcome to keep atomic with, so a plain append.
   */
  async recordRefusal(
    channelId: string,
    chatId: string,
    entry: Omit<TranscriptEntry, 'at'>,
  ): Promise<void> {
    if (!this.enabled) return;
    const [json, retention, max] = this.scriptArgs(entry);
    const key = chatKeys(this.options.keyPrefix, channelId, chatId).transcript;
    const pipeline = this.redis
      .pipeline()
      .rpush(key, json)
      .ltrim(key, -Number(max), -1)
      .expire(key, retention);
    this.touch(pipeline, { channelId, chatId });
    await pipeline.exec();
  }

  async read(channelId: string, chatId: string): Promise<TranscriptEntry[]> {
    const key = chatKeys(this.options.keyPrefix, channelId, chatId).transcript;
    const raw = await this.redis.lrange(key, 0, -1);
    return raw.map((r) => JSON.parse(r) as TranscriptEntry);
  }

  async lastActivity(channelId: string, chatId: string): Promise<string | null> {
    const score = await this.redis.zscore(this.indexKey(channelId), chatId);
    return score === null ? null : new Date(Number(score)).toISOString();
  }

  /**
   * Recent chats, newest first. The cursor is the last item's (time, chat id): items sharing a
   * millisecond are neither skipped nor repeated across pages.
   */
  async list(
    channelId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ chats: ChatSummary[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor) : null;
    const key = this.indexKey(channelId);
    await this.redis.zremrangebyscore(key, '-inf', this.expired());
    const chats: { chatId: string; score: number }[] = [];
    for (let offset = 0; chats.length <= limit;) {
      const batch = await this.redis.zrevrangebyscore(
        key,
        after ? after.score : '+inf',
        '-inf',
        'WITHSCORES',
        'LIMIT',
        offset,
        limit + 1,
      );
      if (batch.length === 0) break;
      offset += batch.length / 2;
      for (let i = 0; i < batch.length; i += 2) {
        const [chatId, score] = [batch[i], Number(batch[i + 1])];
        // Same millisecond as the cursor: ZREVRANGEBYSCORE orders members in reverse, so
        // those at or above the cursor's chat id were on earlier pages.
        if (after && score === after.score && chatId >= after.chatId) continue;
        chats.push({ chatId, score });
      }
      if (batch.length / 2 < limit + 1) break;
    }
    const page = chats.slice(0, limit);
    const last = page[page.length - 1];
    return {
      chats: page.map((c) => ({
        chatId: c.chatId,
        lastActivityAt: new Date(c.score).toISOString(),
      })),
      nextCursor: chats.length > limit && last ? encodeCursor(last.score, last.chatId) : null,
    };
  }

  /** Forgets a deleted channel's index (its transcripts expire by themselves). */
  async forgetChannel(channelId: string): Promise<void> {
    await this.redis.del(this.indexKey(channelId));
  }
}

export class InvalidCursorError extends Error {}

function encodeCursor(score: number, chatId: string): string {
  return Buffer.from(JSON.stringify([score, chatId])).toString('base64url');
}

function decodeCursor(cursor: string): { score: number; chatId: string } {
  try {
    const [score, chatId] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof score === 'number' && Number.isFinite(score) && typeof chatId === 'string') {
      return { score, chatId };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('Invalid cursor');
}
