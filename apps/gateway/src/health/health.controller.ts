import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@app/config';
import { WorkerHeartbeats } from '@app/conversation';
import { COMMAND_REDIS, withTimeout } from '@app/redis';

/** Checks must answer well inside a probe's timeout, even while Redis hangs. */
const CHECK_TIMEOUT_MS = 1000;

/**
 * Kubernetes probes. Live: the process answers HTTP. Ready: it can do its job, so Redis answers
 * and at least one worker is alive; otherwise every Webim request would be handed off.
 */
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
      async () => {
        const redis = this.indicators.check('redis');
        try {
          await withTimeout(this.redis.ping(), CHECK_TIMEOUT_MS);
          return redis.up();
        } catch (error) {
          return redis.down({ message: (error as Error).message });
        }
      },
      async () => {
        const workers = this.indicators.check('workers');
        try {
          const alive = await withTimeout(this.heartbeats.alive(), CHECK_TIMEOUT_MS);
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
