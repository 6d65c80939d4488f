import { Global, Module } from '@nestjs/common';
import { loadEnv, WorkerEnv } from '@app/config';
import { TimerScheduler } from '../../worker/src/proactive/timer-scheduler.service';
import { TurnExecutor } from '../../worker/src/turns/turn-executor.service';

/**
 * BENCH ONLY (`BENCH_INPROCESS_MODE=direct`): the worker's TurnExecutor inside the gateway's
 * process. Global, because DirectTurnQueue takes the place of TurnQueue inside the gateway's
 * turns module, which imports nothing of the bench's.
 */
@Global()
@Module({
  providers: [
    { provide: WorkerEnv, useFactory: () => loadEnv(WorkerEnv) },
    TurnExecutor,
    TimerScheduler,
  ],
  exports: [TurnExecutor],
})
export class InProcessWorkerModule {}
