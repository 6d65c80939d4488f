import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogIdPipe, ChatIdPipe, NamePipe } from '../http/id-pipes';
import { ChatState, ChatStateService } from './chat-state.service';
import { ChatTimersService } from './chat-timers.service';

@ApiTags('chats')
@ApiBearerAuth()
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
  read(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
  ): Promise<ChatState> {
    return this.state.read(channelId, chatId);
  }

  @Post('timers/:name/fire')
  @HttpCode(202)
  @ApiOperation({ summary: 'Fire a running timer now; its messages wait for the next answer' })
  fire(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
    @Param('name', NamePipe) name: string,
  ): Promise<{ id: string }> {
    return this.timers.fireNow(channelId, chatId, name);
  }
}
