import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChannelRecord } from '@app/catalog';
import { GatewayEnv } from '@app/config';
import {
  ConversationStore,
  defineTurnCommands,
  HandoffReason,
  newTurnId,
  TURN_QUEUE,
  turnJobId,
  TurnJobData,
  TurnReply,
} from '@app/conversation';
import { GatewayMetrics } from '@app/metrics';
import { isRedisUnavailable, withTimeout } from '@app/redis';
import type { TurnInput } from '@app/scenario/model';
import { toWebimResponse, WebimResponse } from '@app/webim-protocol';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { ReplyListener } from './reply-listener.service';
import { TurnBreakers } from './turn-breakers';

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
export class TurnDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Turns');
  private readonly breakers: TurnBreakers<TurnAttempt, TurnReply>;
  private readonly jobOptions: JobsOptions;
  private lastQueueError = 0;
  private preparedClient?: Redis;

  constructor(
    @InjectQueue(TURN_QUEUE) private readonly queue: Queue<TurnJobData>,
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
    this.jobOptions = {
      // A turn is never retried: by the time a retry could run, Webim has its answer.
      attempts: 1,
      removeOnComplete: { age: env.JOB_RETENTION_SEC, count: env.JOB_RETENTION_COUNT },
      removeOnFail: { age: env.JOB_RETENTION_SEC * 24, count: env.JOB_RETENTION_COUNT },
    };
  }

  onModuleInit(): void {
    this.queue.on('error', (error) => {
      if (Date.now() - this.lastQueueError < 10_000) return;
      this.lastQueueError = Date.now();
      this.logger.warn({ err: error.message }, 'Turn queue connection error');
    });
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
   * when Redis allows (the answer does not wait long for that).
   */
  async refuse(
    channel: ChannelRecord,
    chatId: string | undefined,
    reason: HandoffReason,
    input?: TurnInput,
  ): Promise<WebimResponse> {
    this.logger.warn({ channelId: channel.id, chatId, reason }, `Handed off: ${reason}`);
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

  /**
   * Admission and the job go to Redis in one round trip, in that order, so the job is only
   * visible once its turn is in the chat's order. A re-sent request's job is added all the
   * same and ends at once as `gone`; this request waits on the turn it repeats instead.
   */
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
    let waiter = this.replies.wait(jobId);
    attempt.cancelWait = waiter.cancel;
    try {
      // Sent back to back on one connection: Redis runs them in this order, and the gateway
      // waits for both at once. (A pipeline would copy every BullMQ script into itself.)
      const client = await this.queueClient();
      const admitted = this.store.admit(
        channel.id,
        chatId,
        requestHash,
        attempt.deadline,
        this.env.REQUEST_DEDUP_WINDOW_MS,
        proposed,
        client,
      );
      const added = new Job(this.queue, 'turn', data, { ...this.jobOptions, jobId }, jobId)
        .addJob(client as never)
        .then(
          () => null,
          (error: Error) => error,
        );
      const [{ turnId, isNew }, addError] = await Promise.all([admitted, added]);
      attempt.turnId = turnId;
      attempt.jobId = turnJobId(channel.id, chatId, turnId);
      if (isNew) {
        if (addError) throw addError;
        return await waiter.reply;
      }
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

  /** The queue's connection, with the turn scripts defined on it. */
  private async queueClient(): Promise<Redis> {
    const client = (await this.queue.backend.client) as unknown as Redis;
    if (client !== this.preparedClient) {
      defineTurnCommands(client);
      this.preparedClient = client;
    }
    return client;
  }

  private async handOff(attempt: TurnAttempt, error: Error): Promise<TurnReply> {
    attempt.cancelWait?.();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EOPENBREAKER') return handoff('breaker_open');
    if (code === 'ETIMEDOUT' && attempt.turnId) {
      try {
        const { channel, chatId, turnId } = attempt;
        const existing = await withTimeout(
          this.store.settle(channel.id, chatId, turnId, 'timeout', attempt.input),
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
