import { IsOptional, IsString, Matches } from 'class-validator';

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
}
