import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * helmet's headers on every response. Bull Board and the API docs are pages with inline
 * scripts and styles; everything else is JSON, which a content security policy barely touches.
 */
export const securityHeaders: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'", 'https:'],
      imgSrc: ["'self'", 'data:', 'https:'],
      fontSrc: ["'self'", 'data:', 'https:'],
      // Bull Board is often opened over plain HTTP inside a cluster: keep its assets on HTTP.
      upgradeInsecureRequests: null,
    },
  },
};

/**
 * The webhook answers Webim's servers, never a browser, so its headers would protect nothing,
 * and @fastify/helmet builds them anew for every request. Call before registering helmet: its
 * own onRoute hook reads the `helmet: false` this one sets.
 */
export function skipSecurityHeadersOnWebhook(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/webim/')) (route as { helmet?: false }).helmet = false;
  });
}
