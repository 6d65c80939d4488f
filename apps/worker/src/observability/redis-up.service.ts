import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { redisUpGauge } from '@app/metrics';
import { COMMAND_REDIS } from '@app/redis';

/** `webim_redis_up` of this worker: whether its Redis connection answers when scraped. */
@Injectable()
export class RedisUp implements OnModuleInit {
  constructor(
    private readonly registry: Registry,
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    redisUpGauge(this.registry, () => this.redis.ping());
  }
}
