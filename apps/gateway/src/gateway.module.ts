import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { CatalogModule } from '@app/catalog';
import { AppConfigModule, GatewayEnv } from '@app/config';
import { ConversationModule, PROACTIVE_QUEUE, TURN_QUEUE } from '@app/conversation';
import { HeartbeatModule } from '@app/heartbeats';
import { AppLoggerModule } from '@app/logging';
import { RedisClientsModule } from '@app/redis';
import { AgentsModule } from './agents/agents.module';
import { AdminAuthMiddleware } from './auth/admin-auth.middleware';
import { QUEUE_BOARD_ROUTE } from './auth/queue-board-auth';
import { queueBoardWrites } from './auth/queue-board-writes';
import { ChannelsModule } from './channels/channels.module';
import { ChatsModule } from './chats/chats.module';
import { ChatEventsModule } from './events/chat-events.module';
import { HealthModule } from './health/health.module';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { StrictValidationPipe } from './http/strict-validation.pipe';
import { GatewayMetricsModule } from './metrics/gateway-metrics.module';
import { SecretsModule } from './secrets/secrets.module';
import { apiRateLimit } from './throttling/api-rate-limit';
import { RedisThrottlerStorage } from './throttling/redis-throttler-storage';
import { ThrottlingModule } from './throttling/throttling.module';
import type { TurnDispatcherClass } from './turns/turns.module';
import { WebhookModule } from './webhook/webhook.module';

// The board only reads, but for retrying failed proactive jobs (queueBoardWrites enforces it;
// these options make the page offer no other action). A paused, cleaned or obliterated turns
// queue hands every chat off, and a job added by hand makes the bot say whatever it holds.
const TURN_QUEUE_ON_BOARD = {
  readOnlyMode: true,
  description: 'Read-only: each job is a Webim request waiting for its answer',
};
const PROACTIVE_QUEUE_ON_BOARD = {
  allowRetries: true,
  allowCompletedRetries: false, // read by the adapter, missing from its type
  description: 'Timers and incoming requests. Read-only but for retrying failed jobs',
};

/** How an embedder changes the gateway. */
export interface GatewayOptions {
  /** Answers Webim's requests instead of the product's TurnDispatcher (the bench's own bot). */
  turnDispatcher?: TurnDispatcherClass;
}

@Module({})
export class GatewayModule implements NestModule {
  /** Built from the settings main.ts loaded, so that every provider reads those very values. */
  static register(env: GatewayEnv, options: GatewayOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        AppConfigModule.forEnv(GatewayEnv, env),
        AppLoggerModule.forApp('gateway', GatewayEnv),
        RedisClientsModule.forApp('gateway'),
        ConversationModule.forApp('gateway', 'fail-fast'),
        CatalogModule,
        HeartbeatModule,
        ThrottlingModule,
        ThrottlerModule.forRootAsync({
          imports: [ThrottlingModule],
          inject: [GatewayEnv, RedisThrottlerStorage],
          useFactory: apiRateLimit,
        }),
        GatewayMetricsModule,
        BullBoardModule.forRoot({
          route: QUEUE_BOARD_ROUTE,
          adapter: FastifyAdapter,
          boardOptions: { handlerHooks: { before: queueBoardWrites([PROACTIVE_QUEUE]) } },
        }),
        BullBoardModule.forFeature(
          { name: TURN_QUEUE, adapter: BullMQAdapter, options: TURN_QUEUE_ON_BOARD },
          { name: PROACTIVE_QUEUE, adapter: BullMQAdapter, options: PROACTIVE_QUEUE_ON_BOARD },
        ),
        WebhookModule.register(env, options.turnDispatcher),
        ChannelsModule,
        AgentsModule,
        ChatEventsModule,
        ChatsModule,
        SecretsModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        // Management DTOs: unknown keys are an error, not silently dropped or stored.
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        // Rate limits every route but the webhook, health and metrics, which say @SkipThrottle.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AdminAuthMiddleware).forRoutes('api/*path');
  }
}
