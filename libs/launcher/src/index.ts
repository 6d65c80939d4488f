export * from './app-process';
export * from './launcher';
export { settlesWithin } from './stop-child';
