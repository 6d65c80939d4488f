import { ApiParam } from '@nestjs/swagger';
import { ID_RULES, IdKind } from '@app/ids';

/** A path id in the OpenAPI description, with the rule its pipe holds it to (libs/ids). */
export function ApiIdParam(name: string, kind: IdKind, example: string): MethodDecorator {
  const rule = ID_RULES[kind];
  return ApiParam({
    name,
    description: `${rule.description}; percent-encoded in the path`,
    example,
    schema: { type: 'string', minLength: 1, maxLength: rule.maxChars },
  });
}
