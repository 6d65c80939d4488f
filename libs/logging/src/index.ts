export * from './redact';
export * from './logger.module';
export * from './throttled';
export * from './mask-secrets';
