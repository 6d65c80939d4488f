// What code outside apps/gateway may use of it: the bench's in-process gateway builds the
// gateway from here and puts its own bot in the TurnDispatcher's place. The rest is internal
// (eslint.config.mjs enforces it).
export { createGatewayApp } from './gateway-app';
export type { GatewayOptions } from './gateway.module';
export { TurnDispatcher } from './turns/turn-dispatcher.service';
