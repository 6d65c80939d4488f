import { Module } from '@nestjs/common';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';

/** Transcripts of a channel's chats. */
@Module({
  controllers: [ChatsController],
  providers: [ChatsService],
})
export class ChatsModule {}
