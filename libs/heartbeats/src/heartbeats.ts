/** How often a process says it is alive, and how long a silent one still counts as alive. */
export const HEARTBEAT_EVERY_MS = 5000;
export const HEARTBEAT_TTL_MS = 15_000;

/**
 * The processes that beat, each kind in one sorted set (instance name → last beat, epoch ms), so
 * that one command tells whether any worker is alive, or which gateway instances are.
 */
export type ProcessKind = 'workers' | 'gateways';

export function heartbeatKey(keyPrefix: string, kind: ProcessKind): string {
  return `${keyPrefix}:${kind}`;
}
