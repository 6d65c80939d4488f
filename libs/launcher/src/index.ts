export * from './app-process';
export * from './free-port';
export * from './launcher';
export * from './local-redis-server';
export { settlesWithin } from './stop-child';
