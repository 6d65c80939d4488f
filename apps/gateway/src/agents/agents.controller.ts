import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogIdPipe } from '../http/id-pipes';
import {
  AgentDetail,
  AgentsService,
  AgentSummary,
  AgentValidation,
  TrainedAgent,
} from './agents.service';

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

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a source without storing it',
    description:
      'Compiles the YAML source and runs its tests as training does, and stores nothing: ' +
      '200 with the errors and warnings (line and column) and the test results, whatever ' +
      'they are. What an editor calls as its author types.',
  })
  @ApiConsumes('application/yaml')
  @ApiBody({ schema: { type: 'string', example: 'start: main\nbranches: …' } })
  validate(@Body() source: unknown): Promise<AgentValidation> {
    return this.agents.validate(yamlText(source));
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
    return this.agents.train(agentId, yamlText(source));
  }

  @Delete(':agentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an agent no channel uses (409 otherwise)' })
  remove(@Param('agentId', CatalogIdPipe) agentId: string): Promise<void> {
    return this.agents.remove(agentId);
  }
}

/** The YAML content types reach a handler as text; a body sent as anything else arrives parsed. */
function yamlText(source: unknown): string {
  if (typeof source !== 'string') {
    throw new UnsupportedMediaTypeException(
      'Send the agent as YAML text with Content-Type: application/yaml',
    );
  }
  return source;
}
