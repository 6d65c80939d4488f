export * from './validate-env';
export * from './load-env';
export * from './shared.env';
export * from './gateway.env';
export * from './worker.env';
export * from './stack.env';
export * from './config.module';
export * from './log-settings';
