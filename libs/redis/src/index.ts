export * from './redis-options';
export * from './redis-client';
export * from './local-redis-server';
