import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Put,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogIdPipe } from '../http/id-pipes';
import { AgentDetail, AgentsService, AgentSummary, TrainedAgent } from './agents.service';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('api/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOperation({ summary: 'Every agent: its current version and the channels that use it' })
  list(): Promise<AgentSummary[]> {
    return this.agents.list();
  }

  @Get(':agentId')
  @ApiOperation({ summary: 'The source, the versions and the latest test results' })
  get(@Param('agentId', CatalogIdPipe) agentId: string): Promise<AgentDetail> {
    return this.agents.get(agentId);
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
  put(
    @Param('agentId', CatalogIdPipe) agentId: string,
    @Body() source: unknown,
  ): Promise<TrainedAgent> {
    // The YAML content types reach here as text; a body sent as anything else arrives parsed.
    if (typeof source !== 'string') {
      throw new UnsupportedMediaTypeException(
        'Send the agent as YAML text with Content-Type: application/yaml',
      );
    }
    return this.agents.train(agentId, source);
  }

  @Delete(':agentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an agent no channel uses (409 otherwise)' })
  remove(@Param('agentId', CatalogIdPipe) agentId: string): Promise<void> {
    return this.agents.remove(agentId);
  }
}
