import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SharedEnv } from '@app/config';
import { COMMAND_REDIS, redisOptions, RedisRole } from '@app/redis';
import { ConversationStore, OUTCOME_TTL_MS } from './turn-protocol/conversation-store';
import { queueConnectionLog } from './queue-connection-log';
import { PROACTIVE_QUEUE, TURN_QUEUE } from './queues';

/**
 * The conversation store and the turn queue for an app. The gateway's producer connection
 * fails fast (a request must be handed off, not queued, while Redis is away); a worker's
 * connection blocks and retries, as BullMQ workers need.
 */
@Global()
@Module({})
export class ConversationModule {
  static forApp(app: string, queueRole: RedisRole): DynamicModule {
    return {
      module: ConversationModule,
      imports: [
        BullModule.forRootAsync({
          inject: [SharedEnv],
          useFactory: (env: SharedEnv) => ({
            connection: redisOptions(env, queueRole, `${app}:queue`),
            prefix: `{${env.KEY_PREFIX}}`,
          }),
        }),
        BullModule.registerQueue({ name: TURN_QUEUE }, { name: PROACTIVE_QUEUE }),
      ],
      providers: [
        queueConnectionLog,
        {
          provide: ConversationStore,
          inject: [COMMAND_REDIS, SharedEnv],
          useFactory: (redis: Redis, env: SharedEnv) =>
            new ConversationStore(redis, {
              keyPrefix: env.KEY_PREFIX,
              conversationTtlSec: env.CONVERSATION_TTL_SEC,
              outcomeTtlMs: OUTCOME_TTL_MS,
              transcriptRetentionSec: env.TRANSCRIPT_RETENTION_SEC,
              transcriptMaxEntries: env.TRANSCRIPT_MAX_ENTRIES,
            }),
        },
      ],
      exports: [ConversationStore, BullModule],
    };
  }
}
