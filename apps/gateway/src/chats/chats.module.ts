import { Module } from '@nestjs/common';
import { ChatStateController } from './chat-state.controller';
import { ChatStateService } from './chat-state.service';
import { ChatTimersService } from './chat-timers.service';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';

/** Transcripts of a channel's chats; a chat's state and its timers, for trying an agent. */
@Module({
  controllers: [ChatsController, ChatStateController],
  providers: [ChatsService, ChatStateService, ChatTimersService],
})
export class ChatsModule {}
