import { IsOptional, IsString, Matches } from 'class-validator';
import { Secret } from './validate-env';

/** What `npm start` decides itself; the gateway and worker it starts validate the rest. */
export class StackEnv {
  /** Unset: an embedded redis-server is started and handed to the gateway and worker. */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

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
}
