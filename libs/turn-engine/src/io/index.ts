export * from './scenario-io';
export * from './llm-provider';
export * from './egress-scenario-io';
