import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { WorkerEnv, WEBIM_WINDOW_MS } from '@app/config';
import { createRedisClient } from '@app/redis';
import { ConversationStore } from '@app/conversation';
import { CatalogStore } from '@app/catalog';

export const COMMAND_REDIS = Symbol('COMMAND_REDIS');
export const SUBSCRIBER_REDIS = Symbol('SUBSCRIBER_REDIS');

@Global()
@Module({
  providers: [
    {
      provide: COMMAND_REDIS,
      inject: [WorkerEnv],
      // Fail fast: a turn that cannot reach Redis is past saving (its gateway hands off).
      useFactory: (env: WorkerEnv) =>
        createRedisClient(env.REDIS_URL, 'fail-fast', 'worker:commands'),
    },
    {
      provide: SUBSCRIBER_REDIS,
      inject: [WorkerEnv],
      useFactory: (env: WorkerEnv) =>
        createRedisClient(env.REDIS_URL, 'blocking', 'worker:subscriber'),
    },
    {
      provide: ConversationStore,
      inject: [COMMAND_REDIS, WorkerEnv],
      useFactory: (redis: Redis, env: WorkerEnv) =>
        new ConversationStore(redis, {
          keyPrefix: env.KEY_PREFIX,
          conversationTtlSec: env.CONVERSATION_TTL_SEC,
          outcomeTtlMs: WEBIM_WINDOW_MS * 12,
        }),
    },
    {
      provide: CatalogStore,
      inject: [COMMAND_REDIS, WorkerEnv],
      useFactory: (redis: Redis, env: WorkerEnv) => new CatalogStore(redis, env.KEY_PREFIX),
    },
  ],
  exports: [COMMAND_REDIS, SUBSCRIBER_REDIS, ConversationStore, CatalogStore],
})
export class WorkerRedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(COMMAND_REDIS) private readonly commands: Redis,
    @Inject(SUBSCRIBER_REDIS) private readonly subscriber: Redis,
  ) {}

  onApplicationShutdown(): void {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
