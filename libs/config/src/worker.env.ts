import { IsInt, Max, Min } from 'class-validator';
import { SharedEnv } from './shared.env';

export class WorkerEnv extends SharedEnv {
  /** Turns one worker process runs at once. Turns of one chat never overlap whatever this is. */
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY: number = 50;

  /** A turn that executes more scenario steps than this is a loop: the chat is handed off. */
  @IsInt()
  @Min(10)
  @Max(100000)
  SCENARIO_MAX_STEPS: number = 1000;

  /**
   * How long after its deadline a started turn may still finish. Past the deadline the gateway
   * has answered Webim, so the result is discarded anyway; the grace only lets the turn end tidily.
   */
  @IsInt()
  @Min(0)
  @Max(10000)
  TURN_GRACE_MS: number = 1000;

  /**
   * BullMQ's job lock: a worker that dies holding a job (SIGKILL) loses it after this long, and
   * another worker takes the job over. Shorter recovers faster; it must stay well above the
   * longest turn. Every queue's worker takes it (see the worker's worker-setup.ts).
   */
  @IsInt()
  @Min(500)
  @Max(600_000)
  WORKER_LOCK_MS: number = 30_000;

  /** Messages of timers and events one chat may have waiting; beyond it the oldest are dropped. */
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_MAX: number = 50;

  /** Port of the worker's GET /health/live, /health/ready and /metrics; 0 turns them off. */
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HTTP_PORT: number = 3001;
}
