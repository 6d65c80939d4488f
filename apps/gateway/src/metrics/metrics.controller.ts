import { Controller, Get, Header } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { Registry } from 'prom-client';

/**
 * Prometheus scrapes here. Unauthenticated, like most scrape endpoints: it shows counts and
 * latencies by channel id, never a secret, a chat id or a message; keep the port off the
 * internet or filter the path at the ingress. Never throttled: a scrape is not an abuse.
 */
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
