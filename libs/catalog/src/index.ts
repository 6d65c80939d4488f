export * from './catalog-records';
export * from './catalog-store';
export * from './catalog.module';
export * from './agent-cache.service';
export * from './secret-box';
export * from './secret-store';
export * from './secret-resolver';
