import { EnvSources, readRawEnv } from './load-env';
import { LOG_FORMATS, LOG_LEVELS, NODE_ENVS, SharedEnv } from './shared.env';

export type LogSettings = Pick<SharedEnv, 'NODE_ENV' | 'LOG_LEVEL' | 'LOG_FORMAT'>;

/**
 * How to log before the settings are validated, so that even a process whose configuration is
 * wrong says so in the format its operators read: each of the three as set when it is valid,
 * its default otherwise (the validation that follows reports the bad one).
 */
export function readLogSettings(sources: EnvSources = {}): LogSettings {
  const raw = readRawEnv(sources);
  const defaults = new SharedEnv();
  const pick = <V extends string>(name: keyof LogSettings, allowed: readonly V[], fallback: V) =>
    allowed.includes(raw[name] as V) ? (raw[name] as V) : fallback;
  return {
    NODE_ENV: pick('NODE_ENV', NODE_ENVS, defaults.NODE_ENV),
    LOG_LEVEL: pick('LOG_LEVEL', LOG_LEVELS, defaults.LOG_LEVEL),
    LOG_FORMAT: pick('LOG_FORMAT', LOG_FORMATS, defaults.LOG_FORMAT),
  };
}
