import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { SharedEnv } from '@app/config';
import { throttled } from '@app/logging';
import { COMMAND_REDIS } from '@app/redis';
import { HEARTBEAT_EVERY_MS, heartbeatKey, ProcessKind } from './heartbeats';

/**
 * How soon a beat that failed is tried again. The command connection rejects at once while it
 * is down, so trying often costs nothing, and a process is counted again soon after Redis is.
 */
const RETRY_MS = 200;

/**
 * This process's heartbeat: it counts among the live gateways or workers (readiness, the
 * workers-alive gauge, activation checks) from its first beat until it leaves.
 */
@Injectable()
export class Heartbeat implements BeforeApplicationShutdown {
  private readonly logger = new Logger(Heartbeat.name);
  private member?: { key: string; instance: string };
  private timer?: NodeJS.Timeout;
  private stopped = false;
  // While Redis is away there is nobody to tell; the client logs the outage itself.
  private readonly beatFailed = throttled((error: Error) => this.logger.debug(error.message));

  constructor(
    @Inject(COMMAND_REDIS) private readonly redis: Redis,
    private readonly env: SharedEnv,
  ) {}

  /**
   * Beats as `instance` among `kind` from now on. Returns once the first beat is stored: a
   * process that says it is ready must already count as alive, and at boot the command
   * connection may still be opening, which fails a beat at once.
   */
  async start(kind: ProcessKind, instance: string): Promise<void> {
    if (this.member) throw new Error(`The heartbeat already beats as ${this.member.instance}`);
    this.member = { key: heartbeatKey(this.env.KEY_PREFIX, kind), instance };
    while (!(await this.beat()) && !this.stopped) await sleep(RETRY_MS);
    this.schedule(HEARTBEAT_EVERY_MS);
  }

  /** Stops beating and stops counting at once, rather than when the TTL runs out. */
  async leave(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.member) return;
    await this.redis.zrem(this.member.key, this.member.instance).catch(() => undefined);
  }

  /** Before the Redis clients close. */
  beforeApplicationShutdown(): Promise<void> {
    return this.leave();
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
    const { key, instance } = this.member!;
    try {
      await this.redis.zadd(key, Date.now(), instance);
      return true;
    } catch (error) {
      this.beatFailed(error as Error);
      return false;
    }
  }
}
