import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { TimerScheduler } from './timer-scheduler.service';
import { TurnExecutor } from './turn-executor.service';

/**
 * What runs turns: the executor and the timers it arms. A worker runs it for the jobs it takes
 * off the queues; a gateway with the in-process turn driver runs it itself. Needs the app's
 * settings, Redis clients and ConversationModule (the store and the queues).
 */
@Module({
  imports: [CatalogModule],
  providers: [TurnExecutor, TimerScheduler],
  exports: [TurnExecutor],
})
export class TurnEngineModule {}
