import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@app/config';
import { WorkerHeartbeats } from '@app/conversation';
import { COMMAND_REDIS, HEALTH_CHECK_TIMEOUT_MS, redisPingCheck, withTimeout } from '@app/redis';
import { SkipThrottle } from '@nestjs/throttler';

/**
 * Kubernetes probes. Live: the process answers HTTP. Ready: it can do its job, so Redis answers
 * and at least one worker is alive; otherwise every Webim request would be handed off.
 */
@SkipThrottle()
@Controller('health')
export class HealthController {
  private readonly heartbeats: WorkerHeartbeats;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    env: GatewayEnv,
  ) {
    this.heartbeats = new WorkerHeartbeats(redis, env.KEY_PREFIX);
  }

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
      async () => {
        const workers = this.indicators.check('workers');
        try {
          const alive = await withTimeout(this.heartbeats.alive(), HEALTH_CHECK_TIMEOUT_MS);
          return alive > 0
            ? workers.up({ alive })
            : workers.down({ alive, message: 'no worker is alive' });
        } catch (error) {
          return workers.down({ message: (error as Error).message });
        }
      },
    ]);
  }
}
