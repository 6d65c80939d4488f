import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CatalogIdPipe, ChatIdPipe } from '../http/id-pipes';
import { ChatEventDto } from './chat-event.dto';
import { ChatEventsService } from './chat-events.service';

@Controller('api/channels/:channelId/chats/:chatId/events')
export class ChatEventsController {
  constructor(private readonly events: ChatEventsService) {}

  @Post()
  @HttpCode(202)
  post(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
    @Body() event: ChatEventDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ id: string }> {
    return this.events.enqueue(channelId, chatId, event, idempotencyKey);
  }
}
