import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SharedEnv } from '@app/config';
import { createRedisClient } from './redis-client';
import { ReplicaAck } from './replica-ack';

/** Commands on the request path: fail fast while Redis is away (see redis-options.ts). */
export const COMMAND_REDIS = Symbol('COMMAND_REDIS');
/** The one Pub/Sub connection of a process: replies and catalog changes. */
export const SUBSCRIBER_REDIS = Symbol('SUBSCRIBER_REDIS');

/**
 * The two ioredis clients every app uses besides BullMQ's own, named after the app, and how
 * long a write waits for replicas.
 */
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
        {
          provide: ReplicaAck,
          inject: [SharedEnv],
          useFactory: (env: SharedEnv) =>
            new ReplicaAck(env.REDIS_MIN_REPLICAS_ACK, env.REDIS_REPLICA_ACK_TIMEOUT_MS),
        },
      ],
      exports: [COMMAND_REDIS, SUBSCRIBER_REDIS, ReplicaAck],
    };
  }

  onApplicationShutdown(): void {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
