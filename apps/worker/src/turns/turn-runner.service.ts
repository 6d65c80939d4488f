import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerEnv } from '@app/config';
import {
  ConversationStore,
  StoredConversation,
  timerOps,
  TurnJobData,
  TurnJobResult,
  TurnReply,
} from '@app/conversation';
import { runTurn, ScenarioError, TurnEffect } from '@app/scenario';
import { AgentCache } from '@app/catalog';
import { TimerScheduler } from '../proactive/timer-scheduler.service';

interface Execution {
  conversation: StoredConversation | null;
  reply: TurnReply;
  steps: number;
  pauseMs: number;
  effects: TurnEffect[];
}

/**
 * Runs one synchronous turn: wait for the chat's earlier turns, run the scenario, and commit the
 * new state together with the reply. Never starts a turn whose deadline has passed.
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger('Turns');

  constructor(
    private readonly store: ConversationStore,
    private readonly agents: AgentCache,
    private readonly timers: TimerScheduler,
    private readonly env: WorkerEnv,
  ) {}

  async run(jobId: string, job: TurnJobData): Promise<TurnJobResult> {
    const pickedAt = Date.now();
    if (pickedAt > job.deadline) return { status: 'expired' };
    const leaseUntil = job.deadline + this.env.TURN_GRACE_MS;

    const claim = await this.store.claimInTurn({
      channelId: job.channelId,
      chatId: job.chatId,
      turnId: job.turnId,
      leaseUntil: () => leaseUntil,
      until: job.deadline,
    });
    if (claim.status === 'timeout') return { status: 'expired' };
    if (claim.status !== 'ok') return { status: claim.status };
    const startedAt = Date.now();

    const execution = await this.execute(jobId, job, claim.conversation);
    if (execution.pauseMs > 0) {
      await sleep(Math.max(0, Math.min(execution.pauseMs, leaseUntil - Date.now())));
    }
    const { status, delivered, arm } = await this.store.commit({
      channelId: job.channelId,
      chatId: job.chatId,
      turnId: job.turnId,
      conversation: execution.conversation,
      reply: execution.reply,
      replyTo: job.replyTo,
      jobId,
      input: job.input,
      // A timer belongs to a turn that happened: the commit applies it, or nothing.
      timerOps: timerOps(job.agentId, execution.effects, Date.now()),
    });
    const result: TurnJobResult = {
      status: status === 'ok' ? 'answered' : status,
      handoff: execution.reply.handoff?.reason,
      steps: execution.steps,
      waitedMs: startedAt - pickedAt,
      ranMs: Date.now() - startedAt,
      delivered,
    };
    if (status === 'ok') {
      if (arm.length > 0) {
        await this.timers
          .arm({ channelId: job.channelId, chatId: job.chatId }, arm)
          .catch((error: Error) =>
            this.logger.error(
              { channelId: job.channelId, chatId: job.chatId, jobId, err: error.message },
              'Could not arm timers',
            ),
          );
      }
    } else {
      this.logger.warn(
        { channelId: job.channelId, chatId: job.chatId, jobId, status },
        'Turn finished after the gateway handed the chat off; its result was discarded',
      );
    }
    return result;
  }

  private async execute(
    jobId: string,
    job: TurnJobData,
    stored: StoredConversation | null,
  ): Promise<Execution> {
    const context = { channelId: job.channelId, chatId: job.chatId, jobId, agentId: job.agentId };
    const failed = (detail: string): Execution => {
      this.logger.warn({ ...context, detail }, 'Scenario error; handing the chat off');
      return {
        conversation: null,
        reply: { messages: [], handoff: { reason: 'scenario_error', detail } },
        steps: 0,
        pauseMs: 0,
        effects: [],
      };
    };
    let loaded;
    try {
      loaded = await this.agents.get(job.agentId, job.agentVersion);
    } catch (error) {
      return failed(`agent could not be loaded: ${(error as Error).message}`);
    }
    if (!loaded) return failed(`agent "${job.agentId}" does not exist`);

    // A conversation of another agent (the channel was switched) starts afresh.
    const previous = stored?.agentId === job.agentId ? stored.state : null;
    if (stored && stored.agentId === job.agentId && stored.agentVersion !== loaded.version) {
      this.logger.log(
        { ...context, from: stored.agentVersion, to: loaded.version },
        'Conversation moves to the new agent version',
      );
    }
    try {
      const result = runTurn(loaded.agent, previous, job.input, {
        maxSteps: this.env.SCENARIO_MAX_STEPS,
      });
      if (result.restarted) {
        this.logger.warn(
          { ...context, from: result.restarted.from, version: loaded.version },
          'Conversation restarted at the start branch: its position is gone from the new agent version',
        );
      }
      return {
        conversation: { agentId: job.agentId, agentVersion: loaded.version, state: result.state },
        reply: {
          messages: result.messages,
          handoff: result.handoff ? { reason: 'bot_handoff', detail: result.handoff.reason } : null,
        },
        steps: result.steps,
        pauseMs: result.pauseMs,
        effects: result.effects,
      };
    } catch (error) {
      if (error instanceof ScenarioError) return failed(error.message);
      throw error;
    }
  }
}
