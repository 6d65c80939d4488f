import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdParam } from '../http/api-params';
import { ApiErrors, ManagementApi } from '../http/api-responses';
import { CatalogIdPipe, ChatIdPipe, NamePipe } from '../http/id-pipes';
import { ChatState, ChatStateService } from './chat-state.service';
import { ChatTimersService } from './chat-timers.service';
import { ChatStateView, FiredTimerView } from './chat-view';

const CHANNEL_ID = ApiIdParam('channelId', 'catalog', 'orders');
const CHAT_ID = ApiIdParam('chatId', 'webim', 'chat-9');

@ApiTags('chats')
@ManagementApi()
@Controller('api/channels/:channelId/chats/:chatId')
export class ChatStateController {
  constructor(
    private readonly state: ChatStateService,
    private readonly timers: ChatTimersService,
  ) {}

  @Get('state')
  @ApiOperation({
    summary: "A chat's variables, position, running timers, buffered messages and last turn",
  })
  @CHANNEL_ID
  @CHAT_ID
  @ApiOkResponse({ type: ChatStateView })
  @ApiErrors(400, 404)
  read(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
  ): Promise<ChatState> {
    return this.state.read(channelId, chatId);
  }

  @Post('timers/:name/fire')
  @HttpCode(202)
  @ApiOperation({ summary: 'Fire a running timer now; its messages wait for the next answer' })
  @CHANNEL_ID
  @CHAT_ID
  @ApiAcceptedResponse({ type: FiredTimerView })
  @ApiErrors(400, 404)
  fire(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
    @Param('name', NamePipe) name: string,
  ): Promise<{ id: string }> {
    return this.timers.fireNow(channelId, chatId, name);
  }
}
