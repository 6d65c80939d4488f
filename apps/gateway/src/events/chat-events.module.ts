import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ChatEventsController } from './chat-events.controller';
import { ChatEventsService } from './chat-events.service';

/** Incoming requests: outside systems starting a branch of a chat's scenario. */
@Module({
  imports: [ChannelsModule],
  controllers: [ChatEventsController],
  providers: [ChatEventsService],
})
export class ChatEventsModule {}
