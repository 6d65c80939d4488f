import { Module } from '@nestjs/common';
import { ChatsController } from './chats.controller';

/** Transcripts of a channel's chats. */
@Module({
  controllers: [ChatsController],
})
export class ChatsModule {}
