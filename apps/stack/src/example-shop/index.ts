export * from './example-shop-server';
export * from './orders';
export * from './shop-egress';
