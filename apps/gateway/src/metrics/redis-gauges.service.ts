import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { PROACTIVE_QUEUE, TURN_QUEUE } from '@app/conversation';
import { HeartbeatReader } from '@app/heartbeats';
import { queueJobsGauge, queuePausedGauge, redisUpGauge, workersAliveGauge } from '@app/metrics';
import { COMMAND_REDIS } from '@app/redis';

/**
 * Gauges read from Redis at scrape time: the queues' backlog, whether they are paused, and the
 * live workers. The gateway reports them (not every worker) because they describe the whole
 * installation, not a process. And whether this gateway reaches Redis at all.
 */
@Injectable()
export class RedisGauges implements OnModuleInit {
  private readonly logger = new Logger(RedisGauges.name);

  constructor(
    private readonly registry: Registry,
    @InjectQueue(TURN_QUEUE) private readonly turns: Queue,
    @InjectQueue(PROACTIVE_QUEUE) private readonly proactive: Queue,
    private readonly heartbeats: HeartbeatReader,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    // Debug only: while Redis is away every scrape fails, and the outage is logged elsewhere.
    const onError = (metric: string, error: Error) =>
      this.logger.debug({ metric, err: error.message }, 'Could not read a gauge from Redis');
    queueJobsGauge(this.registry, [this.turns, this.proactive], { onError });
    queuePausedGauge(this.registry, [this.turns, this.proactive], { onError });
    workersAliveGauge(this.registry, () => this.heartbeats.alive('workers'), { onError });
    redisUpGauge(this.registry, () => this.redis.ping());
  }
}
