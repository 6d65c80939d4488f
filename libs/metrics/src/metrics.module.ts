import { DynamicModule, Module, Type } from '@nestjs/common';
import { Registry } from 'prom-client';
import { SharedEnv } from '@app/config';
import { currentBuild } from './build-info';
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
      providers: [
        {
          provide: Registry,
          // Optional: a module under test may have no settings (then no revision is known).
          inject: [{ token: SharedEnv, optional: true }],
          useFactory: (env?: SharedEnv) => createMetricsRegistry(currentBuild(env?.BUILD_REVISION)),
        },
        ...metrics,
      ],
      exports: [Registry, ...metrics],
    };
  }
}
