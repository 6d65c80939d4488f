export * from './redis-options';
export * from './redis-client';
export * from './redis-clients.module';
export * from './with-timeout';
export * from './redis-health';
export * from './replica-ack';
