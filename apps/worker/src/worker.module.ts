import { DynamicModule, Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { AppConfigModule, WorkerEnv } from '@app/config';
import { ConversationModule } from '@app/conversation';
import { AppLoggerModule } from '@app/logging';
import { RedisClientsModule } from '@app/redis';
import { HeartbeatService } from './heartbeat.service';
import { ObservabilityModule } from './observability/observability.module';
import { ProactiveProcessor } from './proactive/proactive.processor';
import { TimerScheduler } from './proactive/timer-scheduler.service';
import { TurnProcessor } from './turns/turn.processor';
import { TurnExecutor } from './turns/turn-executor.service';
import { WorkerDrain } from './worker-drain.service';

@Module({})
export class WorkerModule {
  static register(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forEnv(WorkerEnv),
        AppLoggerModule.forApp('worker', WorkerEnv),
        RedisClientsModule.forApp('worker'),
        ConversationModule.forApp('worker', 'blocking'),
        CatalogModule,
        ObservabilityModule,
      ],
      providers: [
        TurnExecutor,
        TurnProcessor,
        TimerScheduler,
        ProactiveProcessor,
        HeartbeatService,
        WorkerDrain,
      ],
    };
  }
}
