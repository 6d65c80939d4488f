import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { COMMAND_REDIS, redisPingCheck } from '@app/redis';
import { WorkersAliveIndicator } from './workers-alive.indicator';

/**
 * Kubernetes probes. Live: the process answers HTTP. Ready: it can do its job, so Redis answers
 * and at least one worker is alive; otherwise every Webim request would be handed off.
 */
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly workers: WorkersAliveIndicator,
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
    ]);
  }
}
