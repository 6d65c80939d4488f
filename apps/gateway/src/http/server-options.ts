import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import type { GatewayEnv } from '@app/config';
import { answerClientError } from './client-error';
import { ROUTER_OPTIONS } from './router-options';

/**
 * How often Node looks for requests past their time. Its default, 30 s, would let a slow
 * request live up to 30 s beyond HTTP_REQUEST_TIMEOUT_MS; a pass over the open connections
 * every second costs next to nothing.
 */
const MAX_CHECK_INTERVAL_MS = 1000;

/**
 * The HTTP server's limits, and the router's (ROUTER_OPTIONS). A connection that trickles its request in never goes idle, so only
 * a bound on the whole request (headers included) ends it: HTTP_REQUEST_TIMEOUT_MS, answered
 * 408. Only the arrival of a request is bounded: the webhook's answer may then take
 * REPLY_BUDGET_MS, and idle keep-alive connections close after HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
export function serverOptions(env: GatewayEnv): FastifyHttpOptions<Server> {
  const requestTimeout = env.HTTP_REQUEST_TIMEOUT_MS;
  return {
    ...ROUTER_OPTIONS,
    bodyLimit: env.WEBHOOK_BODY_LIMIT,
    requestTimeout,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.ceil(requestTimeout / 4)),
    },
    clientErrorHandler: answerClientError,
  };
}
