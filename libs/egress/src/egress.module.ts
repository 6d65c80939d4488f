import { DynamicModule, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Egress } from './egress';
import { EgressEnv, egressSettings } from './egress.env';

/** Closes the process's egress (its pools and breakers) when the app shuts down. */
@Injectable()
class EgressShutdown implements OnApplicationShutdown {
  constructor(private readonly egress: Egress) {}

  onApplicationShutdown(): Promise<void> {
    return this.egress.close();
  }
}

/**
 * The process's one `Egress`, from its validated settings, recording into the process's
 * `Registry` (MetricsModule) and logging as `Egress`.
 */
@Module({})
export class EgressModule {
  static forRoot(env: EgressEnv): DynamicModule {
    return {
      module: EgressModule,
      providers: [
        {
          provide: Egress,
          inject: [Registry],
          useFactory: (registry: Registry) =>
            new Egress(egressSettings(env), { registry, log: new Logger('Egress') }),
        },
        EgressShutdown,
      ],
      exports: [Egress],
    };
  }
}
