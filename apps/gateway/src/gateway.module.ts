import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfigModule, GatewayEnv } from '@app/config';
import { TURN_QUEUE } from '@app/conversation';
import { AppLoggerModule } from '@app/logging';
import { redisOptions } from '@app/redis';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { ChannelRegistry } from './channels/channel-registry.service';
import { ChannelsController } from './channels/channels.controller';
import { DemoSeeder } from './channels/demo-seeder.service';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { GatewayRedisModule } from './redis/gateway-redis.module';
import { ReplyListener } from './turns/reply-listener.service';
import { TurnDispatcher } from './turns/turn-dispatcher.service';
import { WebimWebhookController } from './webhook/webim-webhook.controller';

@Module({})
export class GatewayModule {
  /** A function rather than a static module so that the environment is validated when called. */
  static register(): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        AppConfigModule.forEnv(GatewayEnv),
        AppLoggerModule.forApp('gateway', GatewayEnv),
        GatewayRedisModule,
        BullModule.forRootAsync({
          inject: [GatewayEnv],
          useFactory: (env: GatewayEnv) => ({
            // The producer fails fast: a request must be handed off, not queued, while Redis is away.
            connection: redisOptions(env.REDIS_URL, 'fail-fast', 'gateway:queue'),
            prefix: `{${env.KEY_PREFIX}}`,
          }),
        }),
        BullModule.registerQueue({ name: TURN_QUEUE }),
      ],
      controllers: [WebimWebhookController, ChannelsController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        AdminTokenGuard,
        ChannelRegistry,
        DemoSeeder,
        ReplyListener,
        TurnDispatcher,
      ],
    };
  }
}
