import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The answers of /api/agents: classes, so that the OpenAPI description shows their schemas.

/** A problem found compiling an agent, where it is in the source. */
export class AgentIssueView {
  @ApiProperty({ enum: ['error', 'warning'] })
  severity: 'error' | 'warning';

  @ApiProperty({ example: 'goto names no branch "welcom"' })
  message: string;

  @ApiProperty({ example: 12 })
  line: number;

  @ApiProperty({ example: 9 })
  column: number;

  @ApiProperty({ example: 'branches.main[2].goto' })
  path: string;
}

export class AgentTestFailureView {
  @ApiProperty({ description: '1-based number of the exchange in its conversation' })
  exchange: number;

  @ApiProperty({ description: "1-based line of the exchange in the agent's source" })
  line: number;

  @ApiProperty()
  message: string;

  @ApiPropertyOptional()
  expected?: string;

  @ApiPropertyOptional()
  actual?: string;
}

/** One of the agent's `tests:` and how it went. */
export class AgentTestResultView {
  @ApiProperty({ example: 'a shipped order, then goodbye' })
  name: string;

  @ApiProperty()
  passed: boolean;

  @ApiProperty({ type: AgentTestFailureView, isArray: true })
  failures: AgentTestFailureView[];
}

export class AgentTestCountsView {
  @ApiProperty()
  passed: number;

  @ApiProperty()
  failed: number;
}

export class AgentVersionView {
  @ApiProperty({ example: 2 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  trainedAt: string;

  @ApiProperty({ type: AgentTestCountsView })
  tests: AgentTestCountsView;
}

export class AgentSummaryView {
  @ApiProperty({ example: 'orders' })
  id: string;

  @ApiProperty({ example: 2, description: 'Grows with every training' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  trainedAt: string;

  @ApiProperty({ type: String, isArray: true, description: 'The channels that use the agent' })
  channels: string[];
}

export class AgentDetailView extends AgentSummaryView {
  @ApiProperty({ type: AgentVersionView, isArray: true, description: 'Newest first, the last 50' })
  versions: AgentVersionView[];

  @ApiProperty({
    type: AgentTestResultView,
    isArray: true,
    description: "The latest training's test report",
  })
  tests: AgentTestResultView[];

  @ApiProperty({ description: 'The YAML source of the current version' })
  source: string;
}

export class AgentValidationView {
  @ApiProperty({ description: 'It compiles and every test passes: training it would succeed' })
  trainable: boolean;

  @ApiProperty({ type: AgentIssueView, isArray: true })
  errors: AgentIssueView[];

  @ApiProperty({ type: AgentIssueView, isArray: true })
  warnings: AgentIssueView[];

  @ApiProperty({ type: AgentTestResultView, isArray: true })
  tests: AgentTestResultView[];
}

export class TrainedAgentView {
  @ApiProperty({ example: 'orders' })
  id: string;

  @ApiProperty({ example: 2 })
  version: number;

  @ApiProperty({ enum: [true] })
  trained: true;

  @ApiProperty({ format: 'date-time' })
  trainedAt: string;

  @ApiProperty({ type: AgentIssueView, isArray: true })
  warnings: AgentIssueView[];

  @ApiProperty({ type: AgentTestResultView, isArray: true })
  tests: AgentTestResultView[];
}
