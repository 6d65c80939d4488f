import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Put,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogStore } from '@app/catalog';
import { trainAgent } from '@app/scenario';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { CatalogIdPipe } from '../http/catalog-id.pipe';

/**
 * Agents are trained before they are stored: the source must compile and its own tests must
 * pass. A rejected source changes nothing, so channels keep serving the last trained version.
 */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly registry: ChannelRegistry,
  ) {}

  private async channelsUsing(agentId?: string): Promise<Map<string, string[]>> {
    const using = new Map<string, string[]>();
    for (const channel of await this.catalog.listChannels()) {
      if (agentId && channel.agentId !== agentId) continue;
      using.set(channel.agentId, [...(using.get(channel.agentId) ?? []), channel.id]);
    }
    return using;
  }

  @Get()
  @ApiOperation({ summary: 'Every agent: its current version and the channels that use it' })
  async list() {
    const [agents, using] = await Promise.all([this.catalog.listAgents(), this.channelsUsing()]);
    return agents.map((agent) => ({ ...agent, channels: using.get(agent.id) ?? [] }));
  }

  @Get(':agentId')
  @ApiOperation({ summary: 'The source, the versions and the latest test results' })
  async get(@Param('agentId', CatalogIdPipe) agentId: string) {
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

  @Put(':agentId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Train and store a new version',
    description:
      'The YAML source must compile and its tests must pass (422 with line and column ' +
      'otherwise, and the last trained version keeps serving).',
  })
  @ApiConsumes('application/yaml')
  @ApiBody({ schema: { type: 'string', example: 'start: main\nbranches: …' } })
  async put(@Param('agentId', CatalogIdPipe) agentId: string, @Body() source: unknown) {
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

  @Delete(':agentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an agent no channel uses (409 otherwise)' })
  async remove(@Param('agentId', CatalogIdPipe) agentId: string): Promise<void> {
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
}
