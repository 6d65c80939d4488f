export * from './turn-engine.module';
export { TurnExecutor } from './turn-executor.service';
export type { Postponed } from './turn-executor.service';
export * from './turn-task';
