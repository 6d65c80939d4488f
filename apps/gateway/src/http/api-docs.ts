import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_DOCS_ROUTE } from '../auth/admin-auth.middleware';

/**
 * The management API's OpenAPI description and its browsable page, under /api so that the admin
 * token protects them like the API (a browser is asked for it through HTTP Basic).
 */
export function serveApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Webim bot gateway: management API')
    .setDescription(
      'Channels, agents, transcripts and incoming requests. Every route requires ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`. The Webim webhook itself is described in ' +
        'docs/webhook.md.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The webhook and health are not the management API.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')),
  );
  SwaggerModule.setup(API_DOCS_ROUTE.slice(1), app, document, { useGlobalPrefix: false });
}
