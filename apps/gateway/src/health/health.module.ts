import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@app/config';
import { WorkerHeartbeats } from '@app/conversation';
import { COMMAND_REDIS } from '@app/redis';
import { HealthController } from './health.controller';
import { WorkersAliveIndicator } from './workers-alive.indicator';

/** Liveness and readiness probes. */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [
    WorkersAliveIndicator,
    {
      provide: WorkerHeartbeats,
      inject: [COMMAND_REDIS, GatewayEnv],
      useFactory: (redis: Redis, env: GatewayEnv) => new WorkerHeartbeats(redis, env.KEY_PREFIX),
    },
  ],
})
export class HealthModule {}
