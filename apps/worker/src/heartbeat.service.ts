import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerEnv } from '@app/config';
import { HEARTBEAT_EVERY_MS, WorkerHeartbeats } from '@app/conversation';
import { COMMAND_REDIS } from '@app/redis';
import { workerName } from './jobs/worker-setup';

/**
 * How soon a beat that failed is tried again. The command connection rejects at once while it
 * is down, so trying often costs nothing, and a worker is counted again soon after Redis is.
 */
const RETRY_MS = 200;

/** Tells the gateways (GET /health/ready, webim_workers_alive) that this worker is alive. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly heartbeats: WorkerHeartbeats;
  private readonly name = workerName();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;

  constructor(@Inject(COMMAND_REDIS) redis: Redis, env: WorkerEnv) {
    this.heartbeats = new WorkerHeartbeats(redis, env.KEY_PREFIX);
  }

  /**
   * Returns once the first beat is stored: the worker reports ready after this hook, and a
   * worker that says it is ready must already count as alive. At boot the command connection
   * may still be opening, which fails the beat at once.
   */
  async onApplicationBootstrap(): Promise<void> {
    while (!(await this.beat()) && !this.stopped) await sleep(RETRY_MS);
    this.schedule(HEARTBEAT_EVERY_MS);
  }

  /** Before the Redis clients close: a stopping worker stops counting at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.heartbeats.leave(this.name).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () =>
        void this.beat().then((stored) => this.schedule(stored ? HEARTBEAT_EVERY_MS : RETRY_MS)),
      ms,
    );
    this.timer.unref();
  }

  /** Whether the beat was stored. */
  private async beat(): Promise<boolean> {
    try {
      await this.heartbeats.beat(this.name);
      this.failing = false;
      return true;
    } catch (error) {
      // While Redis is away there is nobody to tell; the client logs the outage itself.
      if (!this.failing) this.logger.debug((error as Error).message);
      this.failing = true;
      return false;
    }
  }
}
