import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { HANDOFF_REASONS } from '@app/conversation';

// The answers of /api/channels/{channelId}/chats: classes, so that the OpenAPI description shows
// their schemas. The services build them from the conversation library's records.

/** Text values by name: channel variables, an event's data. */
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class ButtonView {
  @ApiProperty({ example: 'hours' })
  id: string;

  @ApiProperty({ example: 'Opening hours' })
  text: string;
}

/** What the bot says: `text`, or a `keyboard` of buttons in rows. */
@ApiExtraModels(ButtonView)
export class BotMessageView {
  @ApiProperty({ enum: ['text', 'keyboard'] })
  type: 'text' | 'keyboard';

  @ApiPropertyOptional({ description: 'type text' })
  text?: string;

  @ApiPropertyOptional({
    description: 'type keyboard: rows of buttons',
    type: 'array',
    items: { type: 'array', items: { $ref: getSchemaPath(ButtonView) } },
  })
  buttons?: ButtonView[][];
}

export class HandoffView {
  @ApiProperty({ enum: HANDOFF_REASONS })
  reason: string;

  @ApiPropertyOptional({ description: "The scenario's own reason, for bot_handoff" })
  detail?: string;
}

export class LastHandoffView extends HandoffView {
  @ApiProperty({ description: 'The turn that handed the chat off' })
  turnId: string;

  @ApiProperty({ description: 'When, in milliseconds since the epoch' })
  at: number;
}

/** What the visitor sent (a Webim turn): its `kind` says which fields it has. */
export class TurnInputView {
  @ApiProperty({ enum: ['chat_started', 'text', 'button', 'timer', 'event'] })
  kind: string;

  @ApiPropertyOptional()
  text?: string;

  @ApiPropertyOptional({ description: 'kind button' })
  id?: string;

  @ApiPropertyOptional({ description: 'kind timer or event' })
  name?: string;

  @ApiPropertyOptional({ ...STRING_MAP, description: 'Channel variables of the request' })
  vars?: Record<string, string>;

  @ApiPropertyOptional({ ...STRING_MAP, description: "kind event: the event's data" })
  data?: Record<string, string>;
}

/** What a call or llm step sent and got; secrets by name only, texts cut to 1,000 characters. */
export class StepRequestTraceView {
  @ApiProperty({ enum: ['call', 'llm'] })
  step: 'call' | 'llm';

  @ApiProperty({
    example: 'GET https://shop.example.com/orders/A-7',
    description: "A call's method and URL; an llm request's mode and model",
  })
  sent: string;

  @ApiPropertyOptional({ type: String, isArray: true, example: ['x-key: <secret SHOP_KEY>'] })
  headers?: string[];

  @ApiPropertyOptional({ description: "A call's body; an llm request's last message" })
  body?: string;

  @ApiProperty({ enum: ['ok', 'error', 'timeout'] })
  outcome: 'ok' | 'error' | 'timeout';

  @ApiPropertyOptional({ example: 200 })
  status?: number;

  @ApiPropertyOptional({ description: "The answer's body, the model's text, or what went wrong" })
  received?: string;

  @ApiProperty({ example: 212 })
  ms: number;

  @ApiPropertyOptional({ description: 'The request of a then: later step, made after the answer' })
  later?: boolean;
}

export class TranscriptEntryView {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiPropertyOptional({
    example: '1795384126500-2',
    description: 'Absent for requests answered without a turn (an inactive channel, …)',
  })
  turn?: string;

  @ApiProperty({ enum: ['webim', 'timer', 'event', 'later'] })
  source: 'webim' | 'timer' | 'event' | 'later';

  @ApiPropertyOptional({
    enum: ['call', 'llm'],
    description: 'source later: the kind of the then: later step whose branch this finished',
  })
  step?: 'call' | 'llm';

  @ApiPropertyOptional({
    type: StepRequestTraceView,
    isArray: true,
    description: "The requests of the turn's call and llm steps, in order",
  })
  requests?: StepRequestTraceView[];

  @ApiPropertyOptional({ type: TurnInputView, description: 'source webim' })
  input?: TurnInputView;

  @ApiPropertyOptional({ description: "source timer or event: the timer's or event's name" })
  name?: string;

  @ApiPropertyOptional({ ...STRING_MAP, description: "source event: the event's data" })
  data?: Record<string, string>;

  @ApiProperty({
    type: BotMessageView,
    isArray: true,
    description: 'What the turn said (webim), or buffered for the next answer (timer, event)',
  })
  messages: BotMessageView[];

  @ApiPropertyOptional({ type: HandoffView, nullable: true })
  handoff?: HandoffView | null;

  @ApiPropertyOptional({
    type: BotMessageView,
    isArray: true,
    description: 'source webim: buffered messages delivered before its own',
  })
  delivered?: BotMessageView[];

  @ApiPropertyOptional({
    description: 'source timer or event: older buffered messages dropped by OUTBOX_MAX',
  })
  dropped?: number;
}

export class ChatSummaryView {
  @ApiProperty({ example: 'chat-9' })
  chatId: string;

  @ApiProperty({ format: 'date-time' })
  lastActivityAt: string;
}

export class ChatPageView {
  @ApiProperty({ type: ChatSummaryView, isArray: true, description: 'Newest first' })
  chats: ChatSummaryView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass it as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class ConversationView {
  @ApiProperty()
  agentId: string;

  @ApiProperty({ description: 'The agent version the chat runs' })
  agentVersion: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The scenario's state: where the chat is, its variables, timers (internal)",
  })
  state: Record<string, unknown>;
}

export class ChatDetailView {
  @ApiProperty()
  channelId: string;

  @ApiProperty()
  chatId: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastActivityAt: string | null;

  @ApiProperty({ type: ConversationView, nullable: true })
  conversation: ConversationView | null;

  @ApiProperty({ type: LastHandoffView, nullable: true })
  lastHandoff: LastHandoffView | null;

  @ApiProperty({
    type: BotMessageView,
    isArray: true,
    description: "Messages of timers and events waiting for the chat's next answer",
  })
  bufferedMessages: BotMessageView[];

  @ApiProperty({ type: TranscriptEntryView, isArray: true })
  transcript: TranscriptEntryView[];
}

export class RunningTimerView {
  @ApiProperty({ example: 'reminder' })
  name: string;

  @ApiProperty({ description: 'The agent whose scenario started it' })
  agentId: string;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;
}

export class TurnJobView {
  @ApiProperty({ type: String, nullable: true, example: 'answered' })
  status: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "From the job's creation to a worker taking it",
  })
  waitedMs: number | null;

  @ApiProperty({ type: Number, nullable: true, description: "The scenario's run, calls included" })
  ranMs: number | null;

  @ApiProperty({ type: Number, nullable: true })
  steps: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Buffered messages delivered first' })
  delivered: number | null;
}

export class LastTurnView {
  @ApiProperty({ example: '1795384126500-2' })
  turn: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: StepRequestTraceView, isArray: true })
  requests: StepRequestTraceView[];

  @ApiProperty({
    type: TurnJobView,
    nullable: true,
    description: 'Null when the job is gone (JOB_RETENTION_SEC) or the turn ran in the gateway',
  })
  job: TurnJobView | null;
}

export class ChatStateView {
  @ApiProperty()
  channelId: string;

  @ApiProperty()
  chatId: string;

  @ApiProperty({ type: ConversationView, nullable: true })
  conversation: ConversationView | null;

  @ApiProperty({ type: RunningTimerView, isArray: true })
  timers: RunningTimerView[];

  @ApiProperty({ type: BotMessageView, isArray: true })
  bufferedMessages: BotMessageView[];

  @ApiProperty({ type: LastHandoffView, nullable: true })
  lastHandoff: LastHandoffView | null;

  @ApiProperty({ type: LastTurnView, nullable: true, description: "The chat's last Webim turn" })
  lastTurn: LastTurnView | null;
}

export class FiredTimerView {
  @ApiProperty({ description: "The timer job's id" })
  id: string;
}
