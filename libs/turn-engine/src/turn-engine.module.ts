import { DynamicModule, Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { EgressModule } from '@app/egress';
import { StepMetrics } from '@app/metrics';
import { ScenarioIo, UnavailableScenarioIo } from './io/scenario-io';
import { scenarioIoProviders, ScenarioIoSettings } from './io/scenario-io.providers';
import { ProactiveScheduler } from './proactive-scheduler.service';
import { TurnExecutor } from './turn-executor.service';

/**
 * What runs turns: the executor, the timers it arms and the port its call and llm steps go
 * out through. A worker runs it for the jobs it takes off the queues; a gateway with the
 * in-process turn driver runs it itself. Needs the app's settings, Redis clients, metrics and
 * ConversationModule (the store and the queues).
 */
@Module({})
export class TurnEngineModule {
  /** Call and llm steps are sent through the process's egress, with its stored secrets. */
  static withEgress(env: ScenarioIoSettings): DynamicModule {
    return {
      module: TurnEngineModule,
      imports: [CatalogModule, EgressModule.forRoot(env)],
      providers: [TurnExecutor, ProactiveScheduler, StepMetrics, ...scenarioIoProviders(env)],
      exports: [TurnExecutor],
    };
  }

  /** Call and llm steps fail (their `error` outcome), for the reason given. */
  static withoutIo(why: string): DynamicModule {
    return {
      module: TurnEngineModule,
      imports: [CatalogModule],
      providers: [
        TurnExecutor,
        ProactiveScheduler,
        StepMetrics,
        { provide: ScenarioIo, useValue: new UnavailableScenarioIo(why) },
      ],
      exports: [TurnExecutor],
    };
  }
}
