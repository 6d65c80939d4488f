import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_DOCS_ROUTE } from '../auth/admin-auth.middleware';
import { ADMIN_BASIC_SCHEME, ADMIN_BEARER_SCHEME } from './api-responses';

/**
 * The management API's OpenAPI description and its browsable page, under /api so that the admin
 * token protects them like the API (a browser is asked for it through HTTP Basic).
 */
export function serveApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Webim bot gateway: management API')
    .setDescription(
      'Channels, agents, transcripts, incoming requests and stored secrets. Every route requires ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`. The Webim webhook itself is described in ' +
        'docs/webhook.md.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // The gateway that serves the description: a client generated from it works on any host.
    .addServer('/')
    // addBearerAuth() would call the token a JWT; it is an opaque string.
    .addSecurity(ADMIN_BEARER_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description: 'The ADMIN_TOKEN setting, as it is (an opaque string of 16 characters or more)',
    })
    .addSecurity(ADMIN_BASIC_SCHEME, {
      type: 'http',
      scheme: 'basic',
      description: 'Any user name, ADMIN_TOKEN as the password (for a browser)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The webhook and health are not the management API.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')),
  );
  SwaggerModule.setup(API_DOCS_ROUTE.slice(1), app, document, { useGlobalPrefix: false });
}
