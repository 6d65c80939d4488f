import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, WorkerEnv } from '@app/config';
import { TURN_QUEUE } from '@app/conversation';
import { AppLoggerModule } from '@app/logging';
import { redisOptions } from '@app/redis';
import { AgentCache } from './agents/agent-cache.service';
import { TurnProcessor } from './turns/turn.processor';
import { TurnRunner } from './turns/turn-runner.service';
import { WorkerRedisModule } from './worker-redis.module';

@Module({})
export class WorkerModule {
  static register(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forEnv(WorkerEnv),
        AppLoggerModule.forApp('worker', WorkerEnv),
        WorkerRedisModule,
        BullModule.forRootAsync({
          inject: [WorkerEnv],
          useFactory: (env: WorkerEnv) => ({
            connection: redisOptions(env.REDIS_URL, 'blocking', 'worker:queue'),
            prefix: `{${env.KEY_PREFIX}}`,
          }),
        }),
        BullModule.registerQueue({ name: TURN_QUEUE }),
      ],
      providers: [AgentCache, TurnRunner, TurnProcessor],
    };
  }
}
