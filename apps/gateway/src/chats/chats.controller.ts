import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdParam } from '../http/api-params';
import { ApiErrors, ManagementApi } from '../http/api-responses';
import { CatalogIdPipe, ChatIdPipe } from '../http/id-pipes';
import { ChatDetailView, ChatPageView } from './chat-view';
import { ChatDetail, ChatPage, ChatsService } from './chats.service';
import { ListChatsQuery } from './list-chats.query';

const CHANNEL_ID = ApiIdParam('channelId', 'catalog', 'orders');

@ApiTags('chats')
@ManagementApi()
@Controller('api/channels/:channelId/chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @Get()
  @ApiOperation({ summary: 'Recent chats, newest first, a page at a time' })
  @CHANNEL_ID
  @ApiOkResponse({ type: ChatPageView })
  @ApiErrors(400, 404)
  list(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Query() query: ListChatsQuery,
  ): Promise<ChatPage> {
    return this.chats.list(channelId, query.limit, query.cursor);
  }

  @Get(':chatId')
  @ApiOperation({ summary: "A chat's state, buffered messages and transcript" })
  @CHANNEL_ID
  @ApiIdParam('chatId', 'webim', 'chat-9')
  @ApiOkResponse({ type: ChatDetailView })
  @ApiErrors(400, 404)
  get(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
  ): Promise<ChatDetail> {
    return this.chats.get(channelId, chatId);
  }
}
