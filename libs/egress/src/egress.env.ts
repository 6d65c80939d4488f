import {
  IsInt,
  IsString,
  Max,
  Min,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
} from 'class-validator';
import type { EgressSettings } from './egress';
import { AddressRules } from './rules/address-rules';
import { HostRules } from './rules/host-rules';

/** A comma- or space-separated setting's entries. */
export function listEntries(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

@ValidatorConstraint({ name: 'hostList' })
class HostList implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    return (this.problem = problemOf(() => HostRules.parse(listEntries(String(value))))) === '';
  }
  defaultMessage(): string {
    return this.problem;
  }
}

@ValidatorConstraint({ name: 'addressList' })
class AddressList implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    return (this.problem = problemOf(() => AddressRules.parse(listEntries(String(value))))) === '';
  }
  defaultMessage(args?: ValidationArguments): string {
    return this.problem || `${args?.property} is invalid`;
  }
}

function problemOf(parse: () => unknown): string {
  try {
    parse();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base takes any arguments
type EnvClass = new (...args: any[]) => object;

/**
 * Settings of outbound requests (`call` and `llm` steps), for the process that runs turns,
 * added to an app's env class: `class WorkerEnv extends withEgressEnv(SharedEnv)`. A mixin,
 * since an app's env class already extends the settings every process shares.
 */
export function withEgressEnv<Base extends EnvClass>(base: Base) {
  class WithEgressEnv extends base {
    /**
     * Hosts calls may go to: names, `*.name` (any name under it), IP addresses, each optionally
     * with `:port`; comma-separated. Empty: no call goes anywhere.
     */
    @IsString()
    @Validate(HostList)
    EGRESS_ALLOWED_HOSTS: string = '';

    /**
     * Loopback, private, link-local and other non-public addresses calls may connect to: IP
     * addresses or CIDRs, comma-separated. Empty: only public addresses.
     */
    @IsString()
    @Validate(AddressList)
    EGRESS_ALLOWED_PRIVATE: string = '';

    /** Largest response body read; a larger one is `bad_body`. */
    @IsInt()
    @Min(1024)
    @Max(64 * 1024 * 1024)
    EGRESS_MAX_RESPONSE_BYTES: number = 1024 * 1024;

    /** Requests in flight to one host (its connections); more wait for a slot within their time. */
    @IsInt()
    @Min(1)
    @Max(10_000)
    EGRESS_MAX_CONCURRENT_PER_HOST: number = 256;

    /** Time kept back from a turn's time left for its commit. */
    @IsInt()
    @Min(0)
    @Max(10_000)
    EGRESS_DEADLINE_MARGIN_MS: number = 250;

    /** A request with less time than this fails as `timeout` at once, unsent. */
    @IsInt()
    @Min(1)
    @Max(10_000)
    EGRESS_MIN_TIMEOUT_MS: number = 50;

    /** Requests to a host in the rolling window before its breaker may open. */
    @IsInt()
    @Min(1)
    @Max(10_000)
    EGRESS_BREAKER_VOLUME_THRESHOLD: number = 5;

    /** Share of host failures (network errors, timeouts, 5xx) that opens a host's breaker. */
    @IsInt()
    @Min(1)
    @Max(100)
    EGRESS_BREAKER_ERROR_THRESHOLD_PERCENT: number = 50;

    /** How long an open breaker answers `breaker_open` before letting a trial request through. */
    @IsInt()
    @Min(100)
    @Max(600_000)
    EGRESS_BREAKER_RESET_MS: number = 10_000;

    /** Hosts whose breakers are kept; the least recently used is dropped beyond. */
    @IsInt()
    @Min(1)
    @Max(100_000)
    EGRESS_MAX_HOSTS: number = 1000;
  }
  return WithEgressEnv;
}

/** The egress settings on their own: `validateEnv(EgressEnv, raw)`. */
export class EgressEnv extends withEgressEnv(class {}) {}

/** The rolling window a host's failures are counted over. */
export const EGRESS_BREAKER_WINDOW_MS = 10_000;

export function egressSettings(env: EgressEnv): EgressSettings {
  return {
    allowedHosts: listEntries(env.EGRESS_ALLOWED_HOSTS),
    allowedPrivate: listEntries(env.EGRESS_ALLOWED_PRIVATE),
    maxResponseBytes: env.EGRESS_MAX_RESPONSE_BYTES,
    maxConcurrentPerHost: env.EGRESS_MAX_CONCURRENT_PER_HOST,
    maxHosts: env.EGRESS_MAX_HOSTS,
    deadline: { marginMs: env.EGRESS_DEADLINE_MARGIN_MS, minTimeoutMs: env.EGRESS_MIN_TIMEOUT_MS },
    breaker: {
      volumeThreshold: env.EGRESS_BREAKER_VOLUME_THRESHOLD,
      errorThresholdPercent: env.EGRESS_BREAKER_ERROR_THRESHOLD_PERCENT,
      resetMs: env.EGRESS_BREAKER_RESET_MS,
      rollingWindowMs: EGRESS_BREAKER_WINDOW_MS,
    },
  };
}
