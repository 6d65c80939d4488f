import { DynamicModule, Module } from '@nestjs/common';
import type { GatewayEnv } from '@app/config';
import { ChannelsModule } from '../channels/channels.module';
import { TurnDispatcherClass, TurnsModule } from '../turns/turns.module';
import { WebimWebhookController } from './webim-webhook.controller';

/** The URL Webim calls for every visitor message. */
@Module({})
export class WebhookModule {
  static register(env: GatewayEnv, turnDispatcher?: TurnDispatcherClass): DynamicModule {
    return {
      module: WebhookModule,
      imports: [ChannelsModule, TurnsModule.register(env, turnDispatcher)],
      controllers: [WebimWebhookController],
    };
  }
}
