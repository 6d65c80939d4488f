import { readFileSync } from 'node:fs';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateBy,
  ValidateIf,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { Secret } from './validate-env';

/** A Sentinel's address. */
export interface SentinelAddress {
  host: string;
  port: number;
}

/**
 * REDIS_SENTINELS as addresses: `host:port` entries separated by commas or spaces; an IPv6
 * address in brackets (`[::1]:26379`). Throws with the first entry that is not one.
 */
export function parseSentinels(value: string): SentinelAddress[] {
  const entries = value
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('must list at least one host:port');
  return entries.map((entry) => {
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[3]) : 0;
    if (!match || port < 1 || port > 65535) {
      throw new Error(`"${entry}" is not host:port (a port from 1 to 65535)`);
    }
    return { host: match[1] ?? match[2], port };
  });
}

@ValidatorConstraint({ name: 'sentinelList' })
class SentinelList implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    try {
      parseSentinels(String(value));
      this.problem = '';
    } catch (error) {
      this.problem = (error as Error).message;
    }
    return this.problem === '';
  }
  defaultMessage(): string {
    return this.problem;
  }
}

@ValidatorConstraint({ name: 'pemFile' })
class PemFile implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    try {
      const text = readFileSync(String(value), 'utf8');
      this.problem = text.includes('-----BEGIN CERTIFICATE-----')
        ? ''
        : 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
    } catch (error) {
      this.problem = `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
    return this.problem === '';
  }
  defaultMessage(): string {
    return this.problem;
  }
}

/** A URL the Redis clients can connect to: parsed the way they parse it, at start. */
function IsRedisUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isRedisUrl',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !/^rediss?:\/\//.test(value)) return false;
        try {
          const url = new URL(value);
          return url.pathname.length <= 1 || /^\/\d+$/.test(url.pathname);
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'must be a redis:// or rediss:// URL (redis://[user:password@]host[:port][/db])',
    },
  });
}

/** True when `url` parses and carries no password of its own. */
function urlHasNoPassword(url: unknown): boolean {
  try {
    return new URL(String(url)).password === '';
  } catch {
    return true; // REDIS_URL's own check names a malformed URL
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base takes any arguments
type EnvClass = new (...args: any[]) => object;

/**
 * Where Redis is and how to reach it, for every process: one server (REDIS_URL), or the
 * master that Sentinels name (REDIS_SENTINELS + REDIS_SENTINEL_MASTER), over TLS and with a
 * password when the URL says so. libs/redis makes every connection of a process from these.
 */
export function withRedisEnv<TBase extends EnvClass>(Base: TBase) {
  class RedisEnv extends Base {
    /**
     * `redis://[[user]:password@]host:port[/db]`, or `rediss://` for TLS. With Sentinels, its
     * host and port are not used; its user, password, db and scheme apply to the master.
     * Secret: it may hold the password.
     */
    @IsRedisUrl()
    @Secret()
    REDIS_URL: string = 'redis://127.0.0.1:6379';

    /**
     * Redis's password (`requirepass`), for a REDIS_URL without one; usually given as
     * REDIS_PASSWORD_FILE, the file Redis reads it from too. loadEnv puts it into REDIS_URL, which
     * every connection is made from.
     */
    @IsOptional()
    @IsString()
    @MinLength(1)
    @ValidateBy({
      name: 'redisUrlWithoutPassword',
      validator: {
        validate: (_value, args) => urlHasNoPassword((args?.object as RedisEnv).REDIS_URL),
        defaultMessage: () => 'must not be set when REDIS_URL carries a password',
      },
    })
    @Secret()
    REDIS_PASSWORD?: string;

    /** CA certificate(s), PEM, that a `rediss://` server's certificate must chain to. */
    @IsOptional()
    @IsString()
    @Validate(PemFile)
    REDIS_TLS_CA_FILE?: string;

    /** Sentinels to ask where the master is: `host:port` entries, comma-separated. */
    @IsOptional()
    @Validate(SentinelList)
    REDIS_SENTINELS?: string;

    /** The master's name in the Sentinels' configuration (`sentinel monitor <name> ...`). */
    @ValidateIf((env: RedisEnv) => env.REDIS_SENTINELS !== undefined)
    @IsString({ message: 'is required with REDIS_SENTINELS' })
    @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 letters, digits, ".", "_" or "-"' })
    REDIS_SENTINEL_MASTER?: string;

    /** The Sentinels' own password (`requirepass` in sentinel.conf), if they have one. */
    @IsOptional()
    @IsString()
    @Secret()
    REDIS_SENTINEL_PASSWORD?: string;

    /** The Sentinels are reached over TLS too (with REDIS_TLS_CA_FILE's CA). */
    @IsIn(['true', 'false'], { message: 'must be true or false' })
    REDIS_SENTINEL_TLS: 'true' | 'false' = 'false';

    /**
     * Replicas that must have a write before an incoming request is accepted, and before a
     * timer's or an incoming request's turn counts as done (Redis WAIT). 0: no wait.
     */
    @IsInt()
    @Min(0)
    @Max(10)
    REDIS_MIN_REPLICAS_ACK: number = 0;

    /**
     * How long to wait for them. Below the connections' 1 s command timeout, since WAIT holds
     * the connection that wrote.
     */
    @IsInt()
    @Min(10)
    @Max(900)
    REDIS_REPLICA_ACK_TIMEOUT_MS: number = 500;
  }
  return RedisEnv;
}

/** The Redis settings alone, as libs/redis reads them. */
export class RedisSettings extends withRedisEnv(class {}) {}

/** `env` with REDIS_PASSWORD, if any, in REDIS_URL's user-info part, where connections read it. */
export function withRedisPassword<T extends { REDIS_URL: string; REDIS_PASSWORD?: string }>(
  env: T,
): T {
  if (env.REDIS_PASSWORD === undefined) return env;
  const url = new URL(env.REDIS_URL);
  url.password = encodeURIComponent(env.REDIS_PASSWORD);
  env.REDIS_URL = url.toString();
  return env;
}
