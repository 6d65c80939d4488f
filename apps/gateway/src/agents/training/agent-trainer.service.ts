import { Injectable, Logger, OnModuleDestroy, UnprocessableEntityException } from '@nestjs/common';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { GatewayEnv } from '@app/config';
import type { TrainingThreadData, TrainingVerdict } from './training-verdict';

/** The training thread's file, emitted beside the bundle that runs the gateway. */
export const TRAINING_THREAD_FILE = join(__dirname, 'agent-training-thread.js');

/** 422: the agent's compile and tests ran past AGENT_TRAINING_TIMEOUT_MS, and were stopped. */
export class AgentTrainingTimedOut extends UnprocessableEntityException {
  constructor(limitMs: number) {
    super(
      `Training the agent took longer than ${limitMs} ms (AGENT_TRAINING_TIMEOUT_MS), so it was stopped; ` +
        'make its tests fewer or shorter. The agent keeps its last trained version.',
    );
  }
}

/**
 * Compiles an agent and runs its tests on a worker thread, so that however much work an agent
 * sent to the management API asks for, the gateway's event loop keeps answering webhooks. One
 * thread, reused; a training past the limit is aborted, which terminates the thread (the only
 * way to stop synchronous work), and the next training starts a fresh one.
 */
@Injectable()
export class AgentTrainer implements OnModuleDestroy {
  private readonly logger = new Logger(AgentTrainer.name);
  private readonly pool: Piscina<string, TrainingVerdict>;
  private readonly limitMs: number;

  constructor(env: GatewayEnv) {
    this.limitMs = env.AGENT_TRAINING_TIMEOUT_MS;
    this.pool = new Piscina({
      filename: TRAINING_THREAD_FILE,
      // Started with the gateway, and again at once after one is stopped, so that the time
      // limit is spent on training, not on loading the thread.
      minThreads: 1,
      maxThreads: 1,
      workerData: { replyBudgetMs: env.REPLY_BUDGET_MS } satisfies TrainingThreadData,
    });
  }

  /** The verdict on `source`; throws AgentTrainingTimedOut when it takes longer than the limit. */
  async train(agentId: string, source: string): Promise<TrainingVerdict> {
    const signal = AbortSignal.timeout(this.limitMs);
    try {
      return await this.pool.run(source, { signal });
    } catch (error) {
      if (!signal.aborted) throw error;
      this.logger.warn(
        { agentId, limitMs: this.limitMs, sourceBytes: Buffer.byteLength(source) },
        'Agent training stopped: it took longer than AGENT_TRAINING_TIMEOUT_MS',
      );
      throw new AgentTrainingTimedOut(this.limitMs);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}
