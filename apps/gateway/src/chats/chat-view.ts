import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

// The answers of /api/channels/{channelId}/chats: classes, so that the OpenAPI description shows
// their schemas. The services build them from the conversation library's records.

const HANDOFF_REASONS = [
  'bot_handoff',
  'timeout',
  'breaker_open',
  'redis_unavailable',
  'scenario_error',
  'channel_inactive',
  'unknown_event',
  'unsupported_message',
  'internal_error',
];

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

export class TranscriptEntryView {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiPropertyOptional({
    example: '1795384126500-2',
    description: 'Absent for requests answered without a turn (an inactive channel, …)',
  })
  turn?: string;

  @ApiProperty({ enum: ['webim', 'timer', 'event'] })
  source: 'webim' | 'timer' | 'event';

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
