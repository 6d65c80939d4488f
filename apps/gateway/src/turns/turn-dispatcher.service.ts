import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChannelRecord } from '@app/catalog';
import { GatewayEnv } from '@app/config';
import {
  ConversationStore,
  HandoffReason,
  newTurnId,
  turnJobId,
  TurnJobData,
  TurnReply,
} from '@app/conversation';
import type { IdForLog } from '@app/ids';
import { GatewayMetrics } from '@app/metrics';
import { isRedisUnavailable, withTimeout } from '@app/redis';
import type { TurnInput } from '@app/scenario';
import { toWebimResponse, WebimResponse } from '@app/webim-protocol';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { ReplyListener } from './reply-listener.service';
import { TurnBreakers } from './turn-breakers';
import { TurnProducer } from './turn-producer';

/** One Webim request on its way through the breaker; the action fills in the ids it gets. */
interface TurnAttempt {
  channel: ChannelRecord;
  chatId: string;
  input: TurnInput;
  deadline: number;
  turnId?: string;
  jobId?: string;
  cancelWait?: () => void;
}

/** Time the gateway allows itself, after the budget, to learn whether the turn was answered. */
const SETTLE_TIMEOUT_MS = 200;

export function handoff(reason: HandoffReason): TurnReply {
  return { messages: [], handoff: { reason } };
}

/**
 * Turns a Webim request into a job and its reply into the answer, inside REPLY_BUDGET_MS.
 * Whatever fails, the answer is valid: the bot's, or the hand-off with its reason logged.
 */
@Injectable()
export class TurnDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(TurnDispatcher.name);
  private readonly breakers: TurnBreakers<TurnAttempt, TurnReply>;

  constructor(
    private readonly producer: TurnProducer,
    private readonly store: ConversationStore,
    private readonly replies: ReplyListener,
    private readonly registry: ChannelRegistry,
    private readonly env: GatewayEnv,
    private readonly metrics: GatewayMetrics,
  ) {
    this.breakers = new TurnBreakers(
      env,
      (attempt) => this.enqueueAndAwait(attempt),
      (attempt, error) => this.handOff(attempt, error),
      (channelId, state) => this.logger.warn({ channelId, breaker: state }, `Breaker ${state}`),
      metrics,
    );
  }

  onModuleDestroy(): void {
    this.breakers.shutdown();
  }

  async answer(channel: ChannelRecord, chatId: string, input: TurnInput): Promise<WebimResponse> {
    const started = performance.now();
    const attempt: TurnAttempt = {
      channel,
      chatId,
      input,
      deadline: Date.now() + this.env.REPLY_BUDGET_MS,
    };
    const reply = await this.breakers
      .for(channel.id)
      .fire(attempt)
      .catch((error: Error) => this.handOff(attempt, error));
    const elapsed = performance.now() - started;
    this.metrics.recordTurn(channel.id, reply.handoff?.reason ?? null, elapsed / 1000);
    const ms = Math.round(elapsed * 100) / 100;
    const context = { channelId: channel.id, chatId, jobId: attempt.jobId, ms };
    if (reply.handoff) {
      const { reason, detail } = reply.handoff;
      if (reason === 'bot_handoff')
        this.logger.log({ ...context, reason, detail }, 'Handed off by the bot');
      else this.logger.warn({ ...context, reason, detail }, `Handed off: ${reason}`);
    } else {
      this.logger.debug({ ...context, messages: reply.messages.length }, 'Answered');
    }
    return toWebimResponse(reply.messages, reply.handoff !== null);
  }

  /**
   * Logs and answers a request that never reaches a worker, and adds it to the chat's transcript
   * when Redis allows (the answer does not wait long for that). A chat id that breaks the id
   * rule never gets here: only its short form (`refusedChatId`) is logged, and nothing stored.
   */
  async refuse(
    channel: ChannelRecord,
    chatId: string | undefined,
    reason: HandoffReason,
    input?: TurnInput,
    refusedChatId?: IdForLog,
  ): Promise<WebimResponse> {
    this.logger.warn(
      { channelId: channel.id, chatId, refusedChatId, reason },
      `Handed off: ${reason}`,
    );
    this.metrics.recordRefusal(channel.id, reason);
    if (chatId !== undefined) {
      const entry = { source: 'webim' as const, input, messages: [], handoff: { reason } };
      await withTimeout(
        this.store.transcripts.recordRefusal(channel.id, chatId, entry),
        SETTLE_TIMEOUT_MS,
      ).catch(() => undefined);
    }
    return toWebimResponse([], true);
  }

  /** A re-sent request waits for the turn it repeats, whose job is already on its way. */
  private async enqueueAndAwait(attempt: TurnAttempt): Promise<TurnReply> {
    const { channel, chatId, input } = attempt;
    const requestHash = createHash('sha1').update(JSON.stringify(input)).digest('hex');
    const proposed = newTurnId();
    const jobId = turnJobId(channel.id, chatId, proposed);
    const data: TurnJobData = {
      v: 1,
      channelId: channel.id,
      chatId,
      agentId: channel.agentId,
      agentVersion: this.registry.agentVersion(channel.agentId),
      turnId: proposed,
      input,
      deadline: attempt.deadline,
      enqueuedAt: Date.now(),
      replyTo: this.replies.channel,
    };
    // Registered before the job exists: its reply can come back faster than the add resolves.
    let waiter = this.replies.wait(jobId);
    attempt.cancelWait = waiter.cancel;
    try {
      const { turnId, isNew } = await this.producer.submit(
        { requestHash, dedupWindowMs: this.env.REQUEST_DEDUP_WINDOW_MS },
        data,
        jobId,
      );
      attempt.turnId = turnId;
      attempt.jobId = turnJobId(channel.id, chatId, turnId);
      if (isNew) return await waiter.reply;
      // A re-sent request: answer with the first one's outcome, or wait for it.
      waiter.cancel();
      waiter = this.replies.wait(attempt.jobId);
      attempt.cancelWait = waiter.cancel;
      const outcome = await this.store.outcome(channel.id, chatId, turnId);
      if (outcome) {
        waiter.cancel();
        return outcome;
      }
      return await waiter.reply;
    } catch (error) {
      waiter.cancel();
      throw error;
    }
  }

  private async handOff(attempt: TurnAttempt, error: Error): Promise<TurnReply> {
    attempt.cancelWait?.();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EOPENBREAKER') return handoff('breaker_open');
    if (code === 'ETIMEDOUT' && attempt.turnId) {
      try {
        const { channel, chatId, turnId } = attempt;
        const existing = await withTimeout(
          this.store.settle({
            channelId: channel.id,
            chatId,
            turnId,
            reason: 'timeout',
            input: attempt.input,
          }),
          SETTLE_TIMEOUT_MS,
        );
        // Answered between the budget running out and now: the answer is committed, send it.
        if (existing) return existing;
      } catch {
        // Redis cannot tell: hand off all the same; the late result will be discarded.
      }
      return handoff('timeout');
    }
    if (code === 'ETIMEDOUT') return handoff('timeout');
    if (isRedisUnavailable(error)) return handoff('redis_unavailable');
    this.logger.error(
      {
        channelId: attempt.channel.id,
        chatId: attempt.chatId,
        err: error.message,
        stack: error.stack,
      },
      'Unexpected error while dispatching a turn',
    );
    return handoff('internal_error');
  }
}
