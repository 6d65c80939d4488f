import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { TurnsModule } from '../turns/turns.module';
import { WebimWebhookController } from './webim-webhook.controller';

/** The URL Webim calls for every visitor message. */
@Module({
  imports: [ChannelsModule, TurnsModule],
  controllers: [WebimWebhookController],
})
export class WebhookModule {}
