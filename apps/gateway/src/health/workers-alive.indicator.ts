import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { HeartbeatReader } from '@app/heartbeats';
import { HEALTH_CHECK_TIMEOUT_MS, withTimeout } from '@app/redis';

/**
 * Up while at least one worker beats: without one, every Webim request would wait out its
 * budget and be handed off, so a gateway with no worker is not ready to take traffic.
 */
@Injectable()
export class WorkersAliveIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly heartbeats: HeartbeatReader,
  ) {}

  async check(): Promise<HealthIndicatorResult<'workers'>> {
    const workers = this.indicators.check('workers');
    try {
      const alive = await withTimeout(this.heartbeats.alive('workers'), HEALTH_CHECK_TIMEOUT_MS);
      return alive > 0
        ? workers.up({ alive })
        : workers.down({ alive, message: 'no worker is alive' });
    } catch (error) {
      return workers.down({ message: (error as Error).message });
    }
  }
}
