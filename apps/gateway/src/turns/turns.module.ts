import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { InstanceIdModule } from './instance-id.module';
import { ReplyListener } from './reply-listener.service';
import { TurnDispatcher } from './turn-dispatcher.service';
import { TurnQueue } from './turn-queue.service';

/** A Webim request as a queued turn, and its reply or hand-off within the reply budget. */
@Module({
  imports: [InstanceIdModule, ChannelsModule],
  providers: [TurnQueue, TurnDispatcher, ReplyListener],
  exports: [TurnDispatcher],
})
export class TurnsModule {}
