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
import {
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiIdParam } from '../http/api-params';
import { ApiError, ApiErrors, ManagementApi } from '../http/api-responses';
import { CatalogIdPipe } from '../http/id-pipes';
import {
  AgentDetailView,
  AgentSummaryView,
  AgentValidationView,
  TrainedAgentView,
} from './agent-view';
import {
  AgentDetail,
  AgentsService,
  AgentSummary,
  AgentValidation,
  TrainedAgent,
} from './agents.service';

const AGENT_ID = ApiIdParam('agentId', 'catalog', 'orders');

@ApiTags('agents')
@ManagementApi()
@Controller('api/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOperation({ summary: 'Every agent: its current version and the channels that use it' })
  @ApiOkResponse({ type: AgentSummaryView, isArray: true })
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
  @ApiOkResponse({ type: AgentValidationView })
  @ApiErrors(400, 413, 415)
  @ApiError(422, 'Training took longer than AGENT_TRAINING_TIMEOUT_MS')
  validate(@Body() source: unknown): Promise<AgentValidation> {
    return this.agents.validate(yamlText(source));
  }

  @Get(':agentId')
  @ApiOperation({ summary: 'The source, the versions and the latest test results' })
  @AGENT_ID
  @ApiOkResponse({ type: AgentDetailView })
  @ApiErrors(400, 404)
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
  @AGENT_ID
  @ApiOkResponse({ type: TrainedAgentView, description: 'Trained and stored as the next version' })
  @ApiErrors(400, 413, 415)
  @ApiError(
    422,
    'Not trained, nothing stored: compile errors (line and column) or failing tests in details, ' +
      'or training took longer than AGENT_TRAINING_TIMEOUT_MS',
  )
  put(
    @Param('agentId', CatalogIdPipe) agentId: string,
    @Body() source: unknown,
  ): Promise<TrainedAgent> {
    return this.agents.train(agentId, yamlText(source));
  }

  @Delete(':agentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an agent no channel uses (409 otherwise)' })
  @AGENT_ID
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @ApiError(409, 'A channel uses the agent; the channels are in details')
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
