import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Secret } from './validate-env';

/** What `npm start` decides itself; the gateway and worker it starts validate the rest. */
export class StackEnv {
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
   * Read to know whether it is set (in the environment or `.env`): unset, one key is generated
   * for the run and handed to both the gateway and the worker, which validate it.
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

  /** The example shop's bearer token; generated and printed when unset. */
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
