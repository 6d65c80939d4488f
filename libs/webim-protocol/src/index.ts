export * from './webim-request';
export * from './webim-response';
export * from './parse-webim-request';
export * from './channel-variables';
export * from './to-webim-response';
