import { applyDecorators } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBearerAuth,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
} from '@nestjs/swagger';

/**
 * The OpenAPI security schemes of the management API. The admin token is an opaque random
 * string compared as it is, not a JWT, so the bearer scheme names no bearerFormat.
 */
export const ADMIN_BEARER_SCHEME = 'admin-token';
export const ADMIN_BASIC_SCHEME = 'admin-basic';

/** The one error format of every endpoint (see error-body.ts), as OpenAPI shows it. */
export class ErrorView {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'Not Found', description: "The status code's reason phrase" })
  error: string;

  @ApiProperty({ example: 'No channel "orders"' })
  message: string;

  @ApiPropertyOptional({
    type: 'array',
    items: {},
    description:
      'Present when there is more to say: validation problems ({path, message}), activation ' +
      "checks, an agent's errors with line and column, failing tests, the channels using an agent",
  })
  details?: unknown[];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'A malformed id, query or body; the message names the problem',
  401: 'No admin token, or a wrong one',
  404: 'No such resource',
  409: 'A conflict; the message says with what',
  413: 'The body is larger than allowed',
  415: 'A body of another content type than the route takes',
  422: 'Refused as it stands; details say why',
  429: 'Too many requests or wrong credentials from this client; see Retry-After',
  503: 'Redis cannot be reached; retry later (see Retry-After)',
};

/** Error answers a route may give, each in the one error format. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorView }),
    ),
  );
}

/** Error answers given with a description of its own, e.g. what a 409 conflicts with. */
export function ApiError(status: number, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, type: ErrorView });
}

/**
 * A management API controller: the admin token on every route, and the errors any of its routes
 * may answer before reaching it (credentials, limits, Redis).
 */
export function ManagementApi(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(ADMIN_BEARER_SCHEME),
    ApiBasicAuth(ADMIN_BASIC_SCHEME),
    ApiErrors(401, 429, 503),
  );
}
