export * from './data-folder';
export * from './generated-settings';
