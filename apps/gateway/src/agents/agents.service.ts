import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { AgentVersionRecord, CatalogStore } from '@app/catalog';
import type { TrainingReport } from '@app/scenario';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { AgentTrainer } from './training/agent-trainer.service';
import type { TrainingVerdict } from './training/training-verdict';

export interface AgentSummary {
  id: string;
  version: number;
  trainedAt: string;
  /** The channels that use the agent. */
  channels: string[];
}

export interface AgentDetail extends AgentSummary {
  /** Newest first. */
  versions: AgentVersionRecord[];
  /** The latest training's test report. */
  tests: unknown[];
  source: string;
}

export interface TrainedAgent {
  id: string;
  version: number;
  trained: true;
  trainedAt: string;
  warnings: TrainingReport['warnings'];
  tests: TrainingReport['tests'];
}

/** What checking a source found; nothing is stored. */
export interface AgentValidation {
  /** It compiles and every test passes: training it would succeed. */
  trainable: boolean;
  errors: TrainingReport['errors'];
  warnings: TrainingReport['warnings'];
  tests: TrainingReport['tests'];
}

/** 422 with the compile errors or the failing tests: the source was refused, nothing stored. */
export class AgentNotTrained extends UnprocessableEntityException {
  constructor(report: TrainingVerdict) {
    super({
      message:
        report.errors.length > 0
          ? `The agent has ${report.errors.length} error(s)`
          : 'The agent compiles, but its tests fail',
      details: [...report.errors, ...report.tests.filter((t) => !t.passed)],
    });
  }
}

/**
 * Agents are trained before they are stored: the source must compile and its own tests must
 * pass, within AGENT_TRAINING_TIMEOUT_MS, on the trainer's thread. A rejected source changes
 * nothing, so channels keep serving the last trained version.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly registry: ChannelRegistry,
    private readonly trainer: AgentTrainer,
  ) {}

  async list(): Promise<AgentSummary[]> {
    const [agents, using] = await Promise.all([this.catalog.listAgents(), this.channelsUsing()]);
    return agents.map((agent) => ({ ...agent, channels: using.get(agent.id) ?? [] }));
  }

  async get(agentId: string): Promise<AgentDetail> {
    const agent = await this.catalog.getAgent(agentId);
    if (!agent) throw new NotFoundException(`No agent "${agentId}"`);
    const [versions, using] = await Promise.all([
      this.catalog.agentVersions(agentId),
      this.channelsUsing(agentId),
    ]);
    return {
      id: agent.id,
      version: agent.version,
      trainedAt: agent.trainedAt,
      channels: using.get(agentId) ?? [],
      versions,
      tests: agent.tests ?? [],
      source: agent.source,
    };
  }

  /** Compiles the source and runs its tests, on the trainer's thread and within its limit. */
  async validate(source: string): Promise<AgentValidation> {
    const { trained, errors, warnings, tests } = await this.trainer.train('(validate)', source);
    return { trainable: trained, errors, warnings, tests };
  }

  /** Stores the source as the agent's next version if it trains, and serves it here at once. */
  async train(agentId: string, source: string): Promise<TrainedAgent> {
    const report = await this.trainer.train(agentId, source);
    if (!report.trained) throw new AgentNotTrained(report);
    const passed = report.tests.filter((t) => t.passed).length;
    const stored = await this.catalog.putAgent(agentId, source, {
      report: report.tests,
      summary: { passed, failed: report.tests.length - passed },
    });
    this.registry.agentTrained(agentId, stored.version);
    return {
      id: agentId,
      version: stored.version,
      trained: true,
      trainedAt: stored.trainedAt,
      warnings: report.warnings,
      tests: report.tests,
    };
  }

  /** Refused while a channel uses the agent: the channel would have nothing to run. */
  async remove(agentId: string): Promise<void> {
    const channels = (await this.channelsUsing(agentId)).get(agentId) ?? [];
    if (channels.length > 0) {
      throw new ConflictException({
        message: `Agent "${agentId}" is used by ${channels.length} channel(s)`,
        details: channels.map((id) => ({ channel: id })),
      });
    }
    if (!(await this.catalog.deleteAgent(agentId))) {
      throw new NotFoundException(`No agent "${agentId}"`);
    }
  }

  /** Agent id → the ids of the channels using it; only `agentId`'s entry when one is given. */
  private async channelsUsing(agentId?: string): Promise<Map<string, string[]>> {
    const using = new Map<string, string[]>();
    for (const channel of await this.catalog.listChannels()) {
      if (agentId && channel.agentId !== agentId) continue;
      using.set(channel.agentId, [...(using.get(channel.agentId) ?? []), channel.id]);
    }
    return using;
  }
}
