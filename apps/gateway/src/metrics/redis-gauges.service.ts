import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { GatewayEnv } from '@app/config';
import { PROACTIVE_QUEUE, TURN_QUEUE, WorkerHeartbeats } from '@app/conversation';
import { queueJobsGauge, workersAliveGauge } from '@app/metrics';
import { COMMAND_REDIS } from '@app/redis';

/**
 * Gauges read from Redis at scrape time: the queues' backlog and the live workers. The gateway
 * reports them (not every worker) because they describe the whole installation, not a process.
 */
@Injectable()
export class RedisGauges implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly registry: Registry,
    @InjectQueue(TURN_QUEUE) private readonly turns: Queue,
    @InjectQueue(PROACTIVE_QUEUE) private readonly proactive: Queue,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    private readonly env: GatewayEnv,
  ) {}

  onModuleInit(): void {
    // Debug only: while Redis is away every scrape fails, and the outage is logged elsewhere.
    const onError = (metric: string, error: Error) =>
      this.logger.debug({ metric, err: error.message }, 'Could not read a gauge from Redis');
    queueJobsGauge(this.registry, [this.turns, this.proactive], { onError });
    const heartbeats = new WorkerHeartbeats(this.redis, this.env.KEY_PREFIX);
    workersAliveGauge(this.registry, () => heartbeats.alive(), { onError });
  }
}
