export * from './turn-engine.module';
export { TurnExecutor } from './turn-executor.service';
export type { Postponed } from './turn-executor.service';
export * from './turn-task';
export * from './io/scenario-io';
export * from './io/llm-provider';
export * from './io/egress-scenario-io';
export type { ScenarioIoSettings } from './io/scenario-io.providers';
