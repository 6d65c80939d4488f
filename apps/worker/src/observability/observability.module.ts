import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsModule, WorkerMetrics } from '@app/metrics';
import { JobMetrics } from './job-metrics.service';
import { RedisUp } from './redis-up.service';
import { WorkerHealth } from './worker-health.service';
import { WorkerHttpServer } from './worker-http-server.service';

/**
 * The worker's probes and metrics: job metrics from its queue workers and whether it reaches
 * Redis, served over HTTP.
 */
@Module({
  imports: [TerminusModule, MetricsModule.forApp(WorkerMetrics)],
  providers: [JobMetrics, RedisUp, WorkerHealth, WorkerHttpServer],
})
export class ObservabilityModule {}
