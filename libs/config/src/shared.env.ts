import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { withRedisEnv } from './redis-settings';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty', 'auto'] as const;

/** Variables every process of the product reads; Redis's are in redis-settings.ts. */
export class SharedEnv extends withRedisEnv(class {}) {
  @IsIn(NODE_ENVS)
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** Prefix of every key this product writes, so several installations can share one Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1-32 letters, digits, _ or -' })
  KEY_PREFIX: string = 'wg';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: string = 'info';

  /** `json` for machines; `pretty` for a person at a terminal. Defaults by NODE_ENV. */
  @IsString()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT: 'json' | 'pretty' | 'auto' = 'auto';

  /** The source revision this build is of (a commit id), for `webim_build_info`; unset: unknown. */
  @IsOptional()
  @Matches(/^[0-9A-Za-z._-]{1,64}$/, { message: 'must be 1-64 letters, digits, ., _ or -' })
  BUILD_REVISION?: string;

  /** How long an idle conversation is kept. */
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  CONVERSATION_TTL_SEC: number = 24 * 3600;

  /** How long a chat's transcript is kept after its last turn; 0 records no transcripts. */
  @IsInt()
  @Min(0)
  @Max(365 * 24 * 3600)
  TRANSCRIPT_RETENTION_SEC: number = 7 * 24 * 3600;

  /** Entries kept per chat transcript (the oldest go first). */
  @IsInt()
  @Min(10)
  @Max(100_000)
  TRANSCRIPT_MAX_ENTRIES: number = 1000;

  // How turns run: read by the worker, and by a gateway that runs turns itself (TURN_DRIVER).

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
   * The longest the `call` and `llm` requests of a timer's or an incoming request's turn may
   * take together (a step's timeout counts within it). The chat is held meanwhile, so a
   * visitor's message arriving then waits behind the turn and may miss its reply budget.
   */
  @IsInt()
  @Min(100)
  @Max(60_000)
  PROACTIVE_CALL_MAX_MS: number = 10_000;

  /** Messages of timers and events one chat may have waiting; beyond it the oldest are dropped. */
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_MAX: number = 50;
}
