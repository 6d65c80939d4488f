import type { ChainableCommander, Redis } from 'ioredis';
import admit from './lua/admit-3.lua';
import claim from './lua/claim-4.lua';
import commit from './lua/commit-6.lua';
import fire from './lua/fire-1.lua';
import join from './lua/join-2.lua';
import postpone from './lua/postpone-3.lua';
import publish from './lua/publish-1.lua';
import settle from './lua/settle-3.lua';
import applyTimers from './lua/includes/apply-timers.lua';
import json from './lua/includes/json.lua';
import recordTranscript from './lua/includes/record-transcript.lua';
import releaseHead from './lua/includes/release-head.lua';

// The turn protocol's Lua scripts (./lua: one file a script, named <name>-<number of keys>,
// with a header naming every key, argument and reply), made into ioredis commands. Shared code
// lives in ./lua/includes and is pulled in by a `--- @include "<name>"` line.

/** A script as ioredis defines it. */
export interface TurnScript {
  /** The command's name on the client; prefixed so that it never shadows a Redis command. */
  command: string;
  numberOfKeys: number;
  lua: string;
}

const INCLUDES: Record<string, string> = {
  'apply-timers': applyTimers,
  json,
  'record-transcript': recordTranscript,
  'release-head': releaseHead,
};

/** Replaces each include line by the include's text. */
export function withIncludes(source: string, includes: Record<string, string> = INCLUDES): string {
  return source.replace(/^--- @include "([a-z-]+)"$/gm, (_line, name: string) => {
    const included = includes[name];
    if (included === undefined) throw new Error(`Unknown Lua include "${name}"`);
    return included;
  });
}

function script(name: string, numberOfKeys: number, source: string): TurnScript {
  return { command: `wg_${name}`, numberOfKeys, lua: withIncludes(source) };
}

/** The scripts by name; the number of keys is the one in the file's name. */
export const TURN_SCRIPTS = {
  admit: script('admit', 3, admit),
  claim: script('claim', 4, claim),
  commit: script('commit', 6, commit),
  fire: script('fire', 1, fire),
  join: script('join', 2, join),
  postpone: script('postpone', 3, postpone),
  publish: script('publish', 1, publish),
  settle: script('settle', 3, settle),
} as const;

export type TurnScriptName = keyof typeof TURN_SCRIPTS;

/** The turn scripts as commands: each takes its keys, then its arguments. */
type TurnScriptCommands<R> = {
  [K in TurnScriptName as `wg_${K}`]: (...keysThenArgs: (string | number)[]) => R;
};

/** A client with the turn scripts defined. */
export type TurnScriptClient = Omit<Redis, 'pipeline'> &
  TurnScriptCommands<Promise<unknown>> & { pipeline(): TurnScriptPipeline };

/** A pipeline of such a client: its script calls queue up until exec(). */
export type TurnScriptPipeline = ChainableCommander & TurnScriptCommands<unknown>;

/**
 * Defines the turn scripts on a client (once: ioredis keeps them by name). The gateway does
 * this on its queue connection too, so that admission and the job it admits share one
 * connection and one round trip.
 */
export function defineTurnScripts(redis: Redis): TurnScriptClient {
  for (const { command, numberOfKeys, lua } of Object.values(TURN_SCRIPTS)) {
    if (!(command in redis)) redis.defineCommand(command, { numberOfKeys, lua });
  }
  return redis as unknown as TurnScriptClient;
}
