export * from './turn-contracts';
export * from './conversation-keys';
export * from './conversation-store';
export * from './reply-envelope';
export * from './conversation.module';
export * from './worker-heartbeats';
export * from './transcript';
export * from './timers';
