import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { COMMAND_REDIS, redisPingCheck } from '@app/redis';
import { QueueWorkers } from '../jobs/queue-workers';

export interface HealthReport {
  httpStatus: 200 | 503;
  body: HealthCheckResult;
}

/**
 * The worker's probes, in the gateway's (terminus) format. Live: the process answers. Ready:
 * it can take jobs, so Redis answers and each of its queue workers runs.
 */
@Injectable()
export class WorkerHealth {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    private readonly workers: QueueWorkers,
  ) {}

  live(): Promise<HealthReport> {
    return this.report([]);
  }

  ready(): Promise<HealthReport> {
    return this.report([
      () => redisPingCheck(this.indicators, this.redis),
      () => {
        const check = this.indicators.check('queues');
        const states = Object.fromEntries(
          this.workers.all().map((w) => [w.name, w.isRunning() ? 'running' : 'stopped']),
        );
        return Object.values(states).every((state) => state === 'running')
          ? check.up(states)
          : check.down({ ...states, message: 'a queue worker is not running' });
      },
    ]);
  }

  /** terminus throws its 503 body; here it is a status and a body for the plain HTTP server. */
  private async report(checks: HealthIndicatorFunction[]): Promise<HealthReport> {
    try {
      return { httpStatus: 200, body: await this.health.check(checks) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return { httpStatus: 503, body: error.getResponse() as HealthCheckResult };
    }
  }
}
