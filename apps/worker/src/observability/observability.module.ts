import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsModule, WorkerMetrics } from '@app/metrics';
import { BullWorkers } from './bull-workers';
import { JobMetrics } from './job-metrics.service';
import { WorkerHealth } from './worker-health.service';
import { WorkerHttpServer } from './worker-http-server.service';

/** The worker's probes and metrics: job metrics from its queue workers, served over HTTP. */
@Module({
  imports: [DiscoveryModule, TerminusModule, MetricsModule.forApp(WorkerMetrics)],
  providers: [BullWorkers, JobMetrics, WorkerHealth, WorkerHttpServer],
  exports: [BullWorkers],
})
export class ObservabilityModule {}
