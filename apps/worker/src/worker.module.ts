import { DynamicModule, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { AppConfigModule, WorkerEnv } from '@app/config';
import { ConversationModule, PROACTIVE_QUEUE, TURN_QUEUE } from '@app/conversation';
import { Heartbeat, HeartbeatModule } from '@app/heartbeats';
import { AppLoggerModule } from '@app/logging';
import { RedisClientsModule } from '@app/redis';
import { TurnEngineModule } from '@app/turn-engine';
import { ObservabilityModule } from './observability/observability.module';
import { ProactiveProcessor } from './jobs/proactive.processor';
import { QueueWorkersModule } from './jobs/queue-workers';
import { TurnProcessor } from './jobs/turn.processor';
import { workerName } from './jobs/worker-setup';
import { WorkerDrain } from './worker-drain.service';

@Module({})
export class WorkerModule implements OnApplicationBootstrap {
  constructor(private readonly heartbeat: Heartbeat) {}

  /** Built from the settings main.ts loaded, so that every provider reads those very values. */
  static register(env: WorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forEnv(WorkerEnv, env),
        AppLoggerModule.forApp('worker', WorkerEnv),
        RedisClientsModule.forApp('worker'),
        ConversationModule.forApp('worker', 'blocking'),
        CatalogModule,
        HeartbeatModule,
        TurnEngineModule.withEgress(env),
        ObservabilityModule,
        QueueWorkersModule.forConsumers({
          [TURN_QUEUE]: {
            handler: TurnProcessor,
            label: 'Turn',
            concurrency: (settings) => settings.WORKER_CONCURRENCY,
          },
          [PROACTIVE_QUEUE]: {
            handler: ProactiveProcessor,
            label: 'Proactive',
            concurrency: (settings) => settings.PROACTIVE_CONCURRENCY,
          },
        }),
      ],
      providers: [TurnProcessor, ProactiveProcessor, WorkerDrain],
    };
  }

  /**
   * Tells the gateways (GET /health/ready, webim_workers_alive) that this worker is alive. The
   * root module's hook runs after its imports', once the queue workers run; main.ts reports
   * the worker ready after it, so a ready worker already counts.
   */
  onApplicationBootstrap(): Promise<void> {
    return this.heartbeat.start('workers', workerName());
  }
}
