import { DynamicModule, Module, Type } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createMetricsRegistry } from './metrics-registry';

/**
 * The process's registry (injected as `Registry`) and the app's metric classes, e.g.
 * `MetricsModule.forApp(GatewayMetrics)`. Global: any provider may record.
 */
@Module({})
export class MetricsModule {
  static forApp(...metrics: Type[]): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [{ provide: Registry, useFactory: createMetricsRegistry }, ...metrics],
      exports: [Registry, ...metrics],
    };
  }
}
