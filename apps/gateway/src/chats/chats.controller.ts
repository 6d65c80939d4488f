import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogIdPipe, ChatIdPipe } from '../http/id-pipes';
import { ChatDetail, ChatPage, ChatsService } from './chats.service';
import { ListChatsQuery } from './list-chats.query';

@ApiTags('chats')
@ApiBearerAuth()
@Controller('api/channels/:channelId/chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @Get()
  @ApiOperation({ summary: 'Recent chats, newest first, a page at a time' })
  list(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Query() query: ListChatsQuery,
  ): Promise<ChatPage> {
    return this.chats.list(channelId, query.limit, query.cursor);
  }

  @Get(':chatId')
  @ApiOperation({ summary: "A chat's state, buffered messages and transcript" })
  get(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
  ): Promise<ChatDetail> {
    return this.chats.get(channelId, chatId);
  }
}
