import {
  Body,
  Controller,
  HttpCode,
  Param,
  Put,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { CatalogStore } from '@app/catalog';
import { trainAgent } from '@app/scenario';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { AgentIdPipe } from './agent-id.pipe';

/**
 * Agents are trained before they are stored: the source must compile and its own tests must
 * pass. A rejected source changes nothing, so channels keep serving the last trained version.
 */
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly registry: ChannelRegistry,
  ) {}

  @Put(':agentId')
  @HttpCode(200)
  async put(@Param('agentId', AgentIdPipe) agentId: string, @Body() source: unknown) {
    if (typeof source !== 'string') {
      throw new UnsupportedMediaTypeException(
        'Send the agent as YAML text with Content-Type: application/yaml',
      );
    }
    const report = trainAgent(source);
    if (!report.trained) {
      throw new UnprocessableEntityException({
        message:
          report.errors.length > 0
            ? `The agent has ${report.errors.length} error(s)`
            : 'The agent compiles, but its tests fail',
        details: [...report.errors, ...report.tests.filter((t) => !t.passed)],
      });
    }
    const stored = await this.catalog.putAgent(agentId, source);
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
}
