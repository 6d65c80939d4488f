export * from './id-rules';
export * from './id-for-log';
