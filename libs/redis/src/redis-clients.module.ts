import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SharedEnv } from '@app/config';
import { createRedisClient } from './redis-client';

/** Commands on the request path: fail fast while Redis is away (see redis-options.ts). */
export const COMMAND_REDIS = Symbol('COMMAND_REDIS');
/** The one Pub/Sub connection of a process: replies and catalog changes. */
export const SUBSCRIBER_REDIS = Symbol('SUBSCRIBER_REDIS');

/** The two ioredis clients every app uses besides BullMQ's own, named after the app. */
@Module({})
export class RedisClientsModule implements OnApplicationShutdown {
  constructor(
    @Inject(COMMAND_REDIS) private readonly commands: Redis,
    @Inject(SUBSCRIBER_REDIS) private readonly subscriber: Redis,
  ) {}

  static forApp(app: string): DynamicModule {
    return {
      module: RedisClientsModule,
      global: true,
      providers: [
        {
          provide: COMMAND_REDIS,
          inject: [SharedEnv],
          useFactory: (env: SharedEnv) => createRedisClient(env, 'fail-fast', `${app}:commands`),
        },
        {
          provide: SUBSCRIBER_REDIS,
          inject: [SharedEnv],
          useFactory: (env: SharedEnv) => createRedisClient(env, 'blocking', `${app}:subscriber`),
        },
      ],
      exports: [COMMAND_REDIS, SUBSCRIBER_REDIS],
    };
  }

  onApplicationShutdown(): void {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
