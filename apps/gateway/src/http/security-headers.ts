import type { FastifyHelmetOptions } from '@fastify/helmet';

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
