import { Module } from '@nestjs/common';
import { GatewayMetrics, MetricsModule } from '@app/metrics';
import { MetricsController } from './metrics.controller';
import { RedisGauges } from './redis-gauges.service';

/** GET /metrics, and GatewayMetrics for the turn dispatcher to record into. */
@Module({
  imports: [MetricsModule.forApp(GatewayMetrics)],
  controllers: [MetricsController],
  providers: [RedisGauges],
})
export class GatewayMetricsModule {}
