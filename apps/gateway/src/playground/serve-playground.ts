import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PLAYGROUND_ROUTE = '/playground';

/** The page's files, built by `npm run build` beside the gateway's main.js (apps/gateway/playground). */
export const PLAYGROUND_DIR = join(__dirname, 'playground');

/**
 * The playground page: static files only, the same for everyone. The page holds no data; it
 * asks for the admin token in a form of its own and sends it on each call to /api, where the
 * admin-token check refuses anything without it. So the API keeps one way in (the header), with
 * no cookie a cross-site request could ride on.
 */
export async function servePlayground(app: NestFastifyApplication): Promise<void> {
  if (!existsSync(join(PLAYGROUND_DIR, 'index.html'))) {
    // A bundle built without the page (the bench's in-process gateway) serves no page.
    new Logger('Playground').warn({ dir: PLAYGROUND_DIR }, 'Playground page not built: not served');
    return;
  }
  await app.register(fastifyStatic, {
    root: PLAYGROUND_DIR,
    prefix: `${PLAYGROUND_ROUTE}/`,
    decorateReply: false,
    // Rebuilt files must reach the browser at once; they are small and served locally.
    cacheControl: false,
    setHeaders: (response) => response.header('cache-control', 'no-cache'),
  });
  app
    .getHttpAdapter()
    .getInstance()
    .get(PLAYGROUND_ROUTE, (_request, reply) => reply.redirect(`${PLAYGROUND_ROUTE}/`));
}
