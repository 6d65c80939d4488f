import { DynamicModule, Module } from '@nestjs/common';
import type { GatewayEnv } from '@app/config';
import { ChannelsModule } from '../channels/channels.module';
import { TurnsModule } from '../turns/turns.module';
import { WebimWebhookController } from './webim-webhook.controller';

/** The URL Webim calls for every visitor message. */
@Module({})
export class WebhookModule {
  static register(env: GatewayEnv): DynamicModule {
    return {
      module: WebhookModule,
      imports: [ChannelsModule, TurnsModule.register(env)],
      controllers: [WebimWebhookController],
    };
  }
}
