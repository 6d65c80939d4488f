import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { AgentCache, ChannelRecord } from '@app/catalog';
import { GatewayEnv } from '@app/config';
import type { HandoffReason } from '@app/conversation';
import { GatewayMetrics } from '@app/metrics';
import { COMMAND_REDIS } from '@app/redis';
import { runTurn, ScenarioError } from '@app/scenario';
import type { ConversationState, TurnEffect, TurnInput } from '@app/scenario';
import { toWebimResponse, WebimResponse } from '@app/webim-protocol';
import type { TurnDispatcher } from '../../gateway/src';

/** What the baseline keeps per chat: one JSON string under one key. */
interface KvConversation {
  agentVersion: number;
  state: ConversationState;
}

/** Steps per turn before a loop is an error; the product's default (SCENARIO_MAX_STEPS). */
const MAX_STEPS = 1000;

/**
 * BENCH ONLY: the webhook answered in the gateway process, as a
 * hand-written in-process bot would (Webim's Python sample bot): load the chat's state with one
 * GET, run the same agent with the same interpreter, store it with one SET, answer. No queue,
 * no Lua, no transcript, no per-chat ordering across processes, no breaker; timers are
 * in-process `setTimeout`s that are started and cancelled like the product's but only counted
 * when they fire. It replaces the product's TurnDispatcher in `apps/bench-inprocess` so that the
 * HTTP layer (Fastify, Nest routing, authentication, validation) is the product's own.
 */
@Injectable()
export class InProcessTurns implements Pick<TurnDispatcher, 'answer' | 'refuse'>, OnModuleDestroy {
  private readonly logger = new Logger(InProcessTurns.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private timersFired = 0;

  constructor(
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    private readonly agents: AgentCache,
    private readonly env: GatewayEnv,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.logger.log({ timersFired: this.timersFired }, 'In-process baseline stopped');
  }

  async answer(channel: ChannelRecord, chatId: string, input: TurnInput): Promise<WebimResponse> {
    const started = performance.now();
    let reason: HandoffReason | null = null;
    let response: WebimResponse;
    try {
      const key = `${this.env.KEY_PREFIX}:bench:${channel.id}:${chatId}`;
      const [loaded, raw] = await Promise.all([
        this.agents.get(channel.agentId),
        this.redis.get(key),
      ]);
      if (!loaded) throw new ScenarioError('invalid_agent', `no agent "${channel.agentId}"`);
      const stored = raw ? (JSON.parse(raw) as KvConversation) : null;
      const previous = stored?.agentVersion === loaded.version ? stored.state : null;
      const result = runTurn(loaded.agent, previous, input, { maxSteps: MAX_STEPS });
      const value: KvConversation = { agentVersion: loaded.version, state: result.state };
      await this.redis.set(key, JSON.stringify(value), 'EX', this.env.CONVERSATION_TTL_SEC);
      this.applyTimers(`${channel.id}:${chatId}`, result.effects);
      if (result.handoff) reason = 'bot_handoff';
      response = toWebimResponse(result.messages, result.handoff !== null);
    } catch (error) {
      reason = error instanceof ScenarioError ? 'scenario_error' : 'internal_error';
      this.logger.warn({ chatId, err: (error as Error).message }, `Handed off: ${reason}`);
      response = toWebimResponse([], true);
    }
    this.metrics.recordTurn(channel.id, reason, (performance.now() - started) / 1000);
    return response;
  }

  refuse(channel: ChannelRecord, chatId: string | undefined, reason: HandoffReason) {
    this.logger.warn({ channelId: channel.id, chatId, reason }, `Handed off: ${reason}`);
    this.metrics.recordRefusal(channel.id, reason);
    return Promise.resolve(toWebimResponse([], true));
  }

  private applyTimers(chat: string, effects: TurnEffect[]): void {
    for (const effect of effects) {
      const key = `${chat}:${effect.name}`;
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      if (effect.type !== 'start_timer') continue;
      const timer = setTimeout(() => {
        this.timers.delete(key);
        this.timersFired++;
      }, effect.delayMs);
      timer.unref();
      this.timers.set(key, timer);
    }
  }
}
