import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { WorkerEnv } from '@app/config';
import { HEARTBEAT_EVERY_MS, WorkerHeartbeats } from '@app/conversation';
import { COMMAND_REDIS } from '@app/redis';
import { workerName } from './jobs/worker-setup';

/** Tells the gateways (GET /health/ready) that this worker is alive. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly heartbeats: WorkerHeartbeats;
  private readonly name = workerName();
  private timer?: NodeJS.Timeout;

  constructor(@Inject(COMMAND_REDIS) redis: Redis, env: WorkerEnv) {
    this.heartbeats = new WorkerHeartbeats(redis, env.KEY_PREFIX);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS);
    this.timer.unref();
  }

  /** Before the Redis clients close: a stopping worker stops counting at once. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.heartbeats.leave(this.name).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    // While Redis is away there is nobody to tell; the client logs the outage itself.
    await this.heartbeats.beat(this.name).catch((error: Error) => this.logger.debug(error.message));
  }
}
