import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { COMMAND_REDIS, redisPingCheck } from '@app/redis';
import { QueuesRunningIndicator } from './queues-running.indicator';
import { WorkersAliveIndicator } from './workers-alive.indicator';

/**
 * Kubernetes probes. Live: the process answers HTTP. Ready: it can do its job, so Redis answers,
 * at least one worker is alive and no queue is paused; otherwise every Webim request would be
 * handed off (or no timer would fire).
 */
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly workers: WorkersAliveIndicator,
    private readonly queues: QueuesRunningIndicator,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => redisPingCheck(this.indicators, this.redis),
      () => this.workers.check(),
      () => this.queues.check(),
    ]);
  }
}
