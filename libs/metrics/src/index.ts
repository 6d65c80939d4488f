export * from './metrics-registry';
export * from './metrics.module';
export * from './gateway-metrics';
export * from './worker-metrics';
export * from './scraped-gauges';
export * from './step-metrics';
export * from './build-info';
export * from './deprecated-names';
