import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { GatewayEnv, WEBIM_WINDOW_MS } from '@app/config';
import { createRedisClient } from '@app/redis';
import { ConversationStore } from '@app/conversation';
import { CatalogStore } from '@app/catalog';

/** Commands on the request path: fail fast while Redis is away (see redis-options.ts). */
export const COMMAND_REDIS = Symbol('COMMAND_REDIS');
/** The one Pub/Sub connection of this process: replies and catalog changes. */
export const SUBSCRIBER_REDIS = Symbol('SUBSCRIBER_REDIS');
/** Identifies this gateway process; workers publish replies to its channel. */
export const INSTANCE_ID = Symbol('INSTANCE_ID');

@Global()
@Module({
  providers: [
    { provide: INSTANCE_ID, useFactory: () => randomUUID() },
    {
      provide: COMMAND_REDIS,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) =>
        createRedisClient(env.REDIS_URL, 'fail-fast', 'gateway:commands'),
    },
    {
      provide: SUBSCRIBER_REDIS,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) =>
        createRedisClient(env.REDIS_URL, 'blocking', 'gateway:subscriber'),
    },
    {
      provide: ConversationStore,
      inject: [COMMAND_REDIS, GatewayEnv],
      useFactory: (redis: Redis, env: GatewayEnv) =>
        new ConversationStore(redis, {
          keyPrefix: env.KEY_PREFIX,
          conversationTtlSec: env.CONVERSATION_TTL_SEC,
          // A re-sent request must find the outcome for as long as Webim could still re-send.
          outcomeTtlMs: Math.max(env.REQUEST_DEDUP_WINDOW_MS, WEBIM_WINDOW_MS) * 2,
        }),
    },
    {
      provide: CatalogStore,
      inject: [COMMAND_REDIS, GatewayEnv],
      useFactory: (redis: Redis, env: GatewayEnv) => new CatalogStore(redis, env.KEY_PREFIX),
    },
  ],
  exports: [INSTANCE_ID, COMMAND_REDIS, SUBSCRIBER_REDIS, ConversationStore, CatalogStore],
})
export class GatewayRedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(COMMAND_REDIS) private readonly commands: Redis,
    @Inject(SUBSCRIBER_REDIS) private readonly subscriber: Redis,
  ) {}

  onApplicationShutdown(): void {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
