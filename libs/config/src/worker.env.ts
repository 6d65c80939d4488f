import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { withEgressEnv } from '@app/egress';
import { SharedEnv } from './shared.env';
import { Secret } from './validate-env';

/** Egress settings (EGRESS_*) for the `call` and `llm` steps the worker sends. */
export class WorkerEnv extends withEgressEnv(SharedEnv) {
  /**
   * Turns one worker process runs at once. Turns of one chat never overlap whatever this is.
   * High by default: a turn waiting on a call or an llm step holds its slot, but no CPU and
   * about 100 KB, and a worker whose slots are full leaves the rest to wait in the queue,
   * eating Webim's window.
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY: number = 500;

  /**
   * Timers' and incoming requests' turns one worker process runs at once. Their own setting,
   * since they hold a slot differently from turns: for a branch's pauses, and while the chat
   * is busy with an earlier turn (up to 30 s), where a turn is over in milliseconds. Turns of
   * one chat never overlap whatever this is.
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  PROACTIVE_CONCURRENCY: number = 50;

  /**
   * BullMQ's job lock: a worker that dies holding a job (SIGKILL) loses it after this long, and
   * another worker takes the job over. Shorter recovers faster; it must stay well above the
   * longest turn. Every queue's worker takes it (see the worker's worker-setup.ts).
   */
  @IsInt()
  @Min(500)
  @Max(600_000)
  WORKER_LOCK_MS: number = 30_000;

  /**
   * How many times a job may lose its worker (killed, or blocked past WORKER_LOCK_MS) and be
   * run again; one more and it is failed, kept in the queue's failed jobs for a person to
   * retry. Workers die for reasons of their own, so a job survives several deaths; a job that
   * kills every worker that runs it (a poison job) stops doing so after this many.
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_MAX_STALLS: number = 10;

  /** Port of the worker's GET /health/live, /health/ready and /metrics; 0 turns them off. */
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HTTP_PORT: number = 3001;

  /**
   * The key stored secrets are sealed with: the gateway's SECRETS_KEY. Without it, a `call` or
   * `llm` request that names a secret fails (its `error` outcome); the others are sent.
   */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)',
  })
  @Secret()
  SECRETS_KEY?: string;

  /** Base URL of the OpenAI-compatible API `llm` steps use, e.g. https://api.openai.com/v1. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  LLM_BASE_URL?: string;

  /** The model `llm` steps use unless the agent or the step names one. */
  @IsOptional()
  @IsString()
  LLM_MODEL?: string;

  /** The name of the stored secret (PUT /api/secrets/{name}) holding the provider's API key. */
  @IsOptional()
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a secret name' })
  LLM_API_KEY_SECRET?: string;
}
