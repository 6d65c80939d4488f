export { HEARTBEAT_EVERY_MS, HEARTBEAT_TTL_MS } from './heartbeats';
export type { ProcessKind } from './heartbeats';
export * from './heartbeat.service';
export * from './heartbeat-reader.service';
export * from './heartbeat.module';
