import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentCache } from '@app/catalog';
import { WorkerEnv } from '@app/config';
import { ConversationStore, ProactiveJobData } from '@app/conversation';
import { runTurn, ScenarioError, TurnInput } from '@app/scenario';
import { TimerScheduler } from './timer-scheduler.service';

/** How long a proactive turn holds its chat; it runs in milliseconds (pauses are capped). */
const LEASE_MS = 5000;
/** How long it waits for the chat's earlier turns before giving up (BullMQ then retries it). */
const MAX_WAIT_MS = 30_000;

export type ProactiveStatus = 'delivered' | 'dropped' | 'settled' | 'lost';

/**
 * Runs a timer's or an incoming request's branch under the chat's turn order, and appends what
 * it says to the chat's outbox, for the next Webim answer to carry. A retried job (its worker
 * died) keeps its place and its id, and runs at most once.
 */
@Injectable()
export class ProactiveRunner {
  private readonly logger = new Logger('Proactive');

  constructor(
    private readonly store: ConversationStore,
    private readonly agents: AgentCache,
    private readonly timers: TimerScheduler,
    private readonly env: WorkerEnv,
  ) {}

  async run(
    jobId: string,
    jobTimestamp: number,
    job: ProactiveJobData,
  ): Promise<{
    status: ProactiveStatus;
    messages?: number;
    dropped?: number;
    scenarioError?: boolean;
  }> {
    const { channelId, chatId } = job;
    const context = { channelId, chatId, jobId, kind: job.kind, name: job.name };
    // One turn id per run of the job (a timer started again is a new run with a new timestamp).
    const turnId = `p-${createHash('sha1').update(`${jobId}|${jobTimestamp}`).digest('hex').slice(0, 16)}`;
    const claim = await this.store.claimInTurn({
      channelId,
      chatId,
      turnId,
      leaseUntil: () => Date.now() + LEASE_MS,
      until: Date.now() + MAX_WAIT_MS,
      // Renews the turn's place while it waits, so that it is not dropped as abandoned.
      beforeTry: () =>
        this.store.enqueueProactive(channelId, chatId, turnId, Date.now() + LEASE_MS),
    });
    if (claim.status === 'timeout') throw new Error('the chat stayed busy; retrying later');
    if (claim.status === 'settled') return { status: 'settled' };
    if (claim.status !== 'ok') return { status: 'lost' };

    // A scenario error is marked in the job's result, for metrics and Bull Board.
    const drop = async (why: string, scenarioError = false) => {
      await this.store.commitProactive({
        channelId,
        chatId,
        turnId,
        conversation: null,
        messages: [],
        outboxMax: this.env.OUTBOX_MAX,
      });
      this.logger.log({ ...context, why }, 'Proactive turn dropped');
      return { status: 'dropped' as const, ...(scenarioError && { scenarioError }) };
    };
    const stored = claim.conversation;
    if (!stored || stored.agentId !== job.agentId)
      return drop('the chat has no conversation with this agent');
    const loaded = await this.agents.get(job.agentId);
    if (!loaded) return drop(`agent "${job.agentId}" does not exist`, true);
    const input: TurnInput =
      job.kind === 'timer'
        ? { kind: 'timer', name: job.name }
        : { kind: 'event', name: job.name, data: job.data ?? {} };
    let result;
    try {
      result = runTurn(loaded.agent, stored.state, input, {
        maxSteps: this.env.SCENARIO_MAX_STEPS,
      });
    } catch (error) {
      if (error instanceof ScenarioError) return drop(`scenario error: ${error.message}`, true);
      throw error;
    }
    if (result.ignored) return drop('the conversation has ended or was handed off');

    // A pause in a proactive branch spaces its messages from what came before; it must end
    // well inside the turn's lease.
    if (result.pauseMs > 0) await sleep(Math.min(result.pauseMs, LEASE_MS - 1000));
    const committed = await this.store.commitProactive({
      channelId,
      chatId,
      turnId,
      conversation: { agentId: job.agentId, agentVersion: loaded.version, state: result.state },
      messages: result.messages,
      outboxMax: this.env.OUTBOX_MAX,
      origin:
        job.kind === 'timer'
          ? { source: 'timer', name: job.name }
          : { source: 'event', name: job.name, data: job.data },
    });
    if (committed.status !== 'ok') return { status: committed.status };
    if (committed.dropped > 0) {
      this.logger.warn(
        { ...context, dropped: committed.dropped },
        'Outbox full: dropped the oldest messages',
      );
    }
    await this.timers.apply({ channelId, chatId, agentId: job.agentId }, result.effects);
    this.logger.log(
      { ...context, messages: result.messages.length },
      'Proactive turn buffered its messages',
    );
    return { status: 'delivered', messages: result.messages.length, dropped: committed.dropped };
  }
}
