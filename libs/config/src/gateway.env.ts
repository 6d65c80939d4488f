import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MinLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { randomBytes } from 'node:crypto';
import { EnvSources, loadEnv } from './load-env';
import { Secret } from './validate-env';
import { SharedEnv } from './shared.env';

/** Webim closes the request after 5 s; the gateway must have answered before that. */
export const WEBIM_WINDOW_MS = 5000;

export class GatewayEnv extends SharedEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  /** Bearer token of the management API. Required in production; generated in development. */
  @ValidateIf((env: GatewayEnv) => env.NODE_ENV === 'production' || env.ADMIN_TOKEN !== undefined)
  @IsString({ message: 'is required when NODE_ENV=production' })
  @MinLength(16, { message: 'must be at least 16 characters' })
  @Secret()
  ADMIN_TOKEN?: string;

  /**
   * Key that encrypts stored Webim passwords and secrets (AES-256-GCM): 32 random bytes as 64
   * hex digits or base64, e.g. `openssl rand -hex 32`. Required in production; generated for the
   * process's lifetime in development, so what is saved then does not survive a restart.
   */
  @ValidateIf((env: GatewayEnv) => env.NODE_ENV === 'production' || env.SECRETS_KEY !== undefined)
  @IsString({ message: 'is required when NODE_ENV=production' })
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)',
  })
  @Secret()
  SECRETS_KEY?: string;

  /**
   * Seed the demo agent and an active demo channel on first start. On by default, except in
   * production, where an installation should hold only the channels its admins create.
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  SEED_DEMO?: 'true' | 'false';

  /** The demo agent's source; agents/demo.yaml (under the working directory, then the build's). */
  @IsOptional()
  @IsString()
  DEMO_AGENT_FILE?: string;

  /** Management API requests allowed per client IP and minute (429 above). */
  @IsInt()
  @Min(1)
  API_RATE_LIMIT_PER_MINUTE: number = 600;

  /**
   * Wrong admin credentials (on /api/** and Bull Board) a client IP may present per minute;
   * past them, every attempt of that client is refused with 429 until the minute ends.
   */
  @IsInt()
  @Min(1)
  API_AUTH_FAILURES_PER_MINUTE: number = 10;

  /**
   * How long a client may take to send a whole request, headers and body; a connection still
   * sending after that gets 408 and is closed. Webim's requests arrive in milliseconds; the
   * bound is for agent sources (up to 1 MiB) sent over a slow link.
   */
  @IsInt()
  @Min(500)
  @Max(300_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 10_000;

  /**
   * How long an idle keep-alive connection stays open after its last answer. Above the idle
   * timeout of whatever sits in front (60 s for most load balancers), so that the gateway never
   * closes a connection the other side is about to reuse.
   */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 72_000;

  /** Base of the webhook URLs shown to admins, e.g. https://bots.example.com. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL' })
  PUBLIC_BASE_URL?: string;

  /** How long the gateway waits for a worker before handing the chat to an operator. */
  @IsInt()
  @Min(50)
  @Max(WEBIM_WINDOW_MS - 100, {
    message: `must be below Webim's ${WEBIM_WINDOW_MS} ms window minus 100 ms`,
  })
  REPLY_BUDGET_MS: number = 4000;

  /**
   * Where visitor turns run: `bullmq`, as jobs for the workers; `in-process`, in this gateway
   * (no worker for them, for a single-process trial or a benchmark; timers and incoming
   * requests still need a worker).
   */
  @IsIn(['bullmq', 'in-process'])
  TURN_DRIVER: 'bullmq' | 'in-process' = 'bullmq';

  /** Requests in the rolling window before the breaker may open. */
  @IsInt()
  @Min(1)
  BREAKER_VOLUME_THRESHOLD: number = 5;

  @IsInt()
  @Min(1)
  @Max(100)
  BREAKER_ERROR_THRESHOLD_PERCENT: number = 50;

  /** How long an open breaker fails fast before letting a trial request through. */
  @IsInt()
  @Min(100)
  BREAKER_RESET_MS: number = 10000;

  @IsInt()
  @Min(1000)
  BREAKER_ROLLING_WINDOW_MS: number = 10000;

  /** A re-sent identical request within this window joins the first instead of running again. */
  @IsInt()
  @Min(0)
  @Max(60000)
  REQUEST_DEDUP_WINDOW_MS: number = WEBIM_WINDOW_MS;

  /** Largest accepted webhook body, in bytes. */
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  WEBHOOK_BODY_LIMIT: number = 256 * 1024;

  /**
   * How long compiling an agent and running its tests may take (on a worker thread) before
   * PUT /api/agents/:id is refused with 422 and the thread is stopped.
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  AGENT_TRAINING_TIMEOUT_MS: number = 10_000;

  /** Finished turn jobs kept for Bull Board, by age and count. */
  @IsInt()
  @Min(1)
  JOB_RETENTION_SEC: number = 3600;

  @IsInt()
  @Min(1)
  JOB_RETENTION_COUNT: number = 5000;
}

export interface GatewayConfig {
  env: GatewayEnv & { ADMIN_TOKEN: string };
  /** True when ADMIN_TOKEN was not set and this process made one up: the banner shows it. */
  adminTokenGenerated: boolean;
}

/**
 * The gateway's settings (see loadEnv). Outside production a missing ADMIN_TOKEN is generated
 * here, once, so that the management API, Bull Board and the start-up banner share one token.
 */
export function loadGatewayEnv(sources?: EnvSources): GatewayConfig {
  const env = loadEnv(GatewayEnv, sources);
  const adminTokenGenerated = env.ADMIN_TOKEN === undefined;
  // Validation has already refused a production configuration without one.
  env.ADMIN_TOKEN ??= randomBytes(24).toString('base64url');
  return { env: env as GatewayConfig['env'], adminTokenGenerated };
}
