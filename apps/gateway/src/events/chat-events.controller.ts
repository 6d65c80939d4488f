import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ID_RULES } from '@app/ids';
import { ApiIdParam } from '../http/api-params';
import { ApiErrors, ManagementApi } from '../http/api-responses';
import { CatalogIdPipe, ChatIdPipe } from '../http/id-pipes';
import { ChatEventAccepted, ChatEventDto } from './chat-event.dto';
import { ChatEventsService } from './chat-events.service';

@ApiTags('chats')
@ManagementApi()
@Controller('api/channels/:channelId/chats/:chatId/events')
export class ChatEventsController {
  constructor(private readonly events: ChatEventsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "An incoming request: start the named branch of the chat's scenario",
    description:
      "What the branch says is buffered and reaches the visitor with the chat's next answer.",
  })
  @ApiIdParam('channelId', 'catalog', 'orders')
  @ApiIdParam('chatId', 'webim', 'chat-9')
  // Optional: without it every request is a new event. The explorer marks a @Headers()
  // parameter required; a declaration of the same name (spelt as there) replaces its entry.
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description:
      `${ID_RULES.idempotencyKey.description}. A request repeating a key is the same event: ` +
      'it answers the same id and runs once',
    schema: { type: 'string', minLength: 1, maxLength: ID_RULES.idempotencyKey.maxChars },
  })
  @ApiAcceptedResponse({ type: ChatEventAccepted, description: 'Queued' })
  @ApiErrors(400, 404, 413)
  post(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
    @Body() event: ChatEventDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<ChatEventAccepted> {
    return this.events.enqueue(channelId, chatId, event, idempotencyKey);
  }
}
