import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Secret } from './validate-env';

/** What `npm start` decides itself; the gateway and worker it starts validate the rest. */
export class StackEnv {
  /** Production never gets a generated admin token: the gateway requires one to be set. */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /**
   * Where the embedded Redis's data, the generated tokens and keys, and the processes' logs are
   * kept between starts; relative to the working directory.
   */
  @IsString()
  STACK_DATA_DIR: string = '.data';

  /** `1`/`true`: start empty, as `npm start -- --fresh` does. */
  @IsIn(['1', '0', 'true', 'false'], { message: 'must be 1, 0, true or false' })
  STACK_FRESH: '1' | '0' | 'true' | 'false' = '0';

  /**
   * `auto` (a terminal in development) and `pretty`: one line per process ready, their logs in
   * the data folder; `json`: every process's JSON log lines on this output.
   */
  @IsIn(['json', 'pretty', 'auto'])
  LOG_FORMAT: 'json' | 'pretty' | 'auto' = 'auto';

  /** Unset: an embedded redis-server is started and handed to the gateway and worker. */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Set: the master comes from these Sentinels, and no embedded Redis is started either. */
  @IsOptional()
  @IsString()
  REDIS_SENTINELS?: string;

  /** The embedded Redis's binary; `redis-server` on PATH when unset. */
  @IsOptional()
  @IsString()
  REDIS_SERVER_BIN?: string;

  /**
   * Read to know whether it is set (in the environment or `.env`): unset, one token is generated
   * outside production, kept in the data folder, and handed to the gateway, which validates it.
   */
  @IsOptional()
  @IsString()
  @Secret()
  ADMIN_TOKEN?: string;

  /**
   * Read to know whether it is set (in the environment or `.env`): unset, one key is generated,
   * kept in the data folder, and handed to both the gateway and the worker, which validate it.
   */
  @IsOptional()
  @IsString()
  @Secret()
  SECRETS_KEY?: string;

  /** The example shop's port on 127.0.0.1 (agents/examples/order-status.yaml calls it); 0: none. */
  @IsInt()
  @Min(0)
  @Max(65535)
  EXAMPLE_SHOP_PORT: number = 3002;

  /** The example shop's bearer token; generated (kept in the data folder) and printed when unset. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @Secret()
  EXAMPLE_SHOP_TOKEN?: string;

  /** Read so that the example shop's address is added to what is already allowed. */
  @IsOptional()
  @IsString()
  EGRESS_ALLOWED_HOSTS?: string;

  @IsOptional()
  @IsString()
  EGRESS_ALLOWED_PRIVATE?: string;
}
