import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { QueuesRunningIndicator } from './queues-running.indicator';
import { WorkersAliveIndicator } from './workers-alive.indicator';

/** Liveness and readiness probes. */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [WorkersAliveIndicator, QueuesRunningIndicator],
})
export class HealthModule {}
