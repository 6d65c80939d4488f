import { Global, Module } from '@nestjs/common';
import { validateEnv, WorkerEnv } from '@app/config';
import { TimerScheduler } from '../../worker/src/proactive/timer-scheduler.service';
import { TurnRunner } from '../../worker/src/turns/turn-runner.service';

/**
 * BENCH ONLY (`BENCH_INPROCESS_MODE=direct`): the worker's TurnRunner inside the gateway's
 * process. Global, because DirectTurnQueue takes the place of TurnQueue inside the gateway's
 * turns module, which imports nothing of the bench's.
 */
@Global()
@Module({
  providers: [
    { provide: WorkerEnv, useFactory: () => validateEnv(WorkerEnv, process.env) },
    TurnRunner,
    TimerScheduler,
  ],
  exports: [TurnRunner],
})
export class InProcessWorkerModule {}
