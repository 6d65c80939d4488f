import { ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';

/**
 * The management API's validation: DTOs with unknown keys refused (whitelist +
 * forbidNonWhitelisted), and a body that is not a JSON object refused too. Nest's own pipe
 * would turn a `null` body into an empty DTO, and a PATCH of nothing would then be applied.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object;
    if (isDto && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException('The body must be a JSON object');
    }
    if (isDto) {
      const key = prototypeKey(value as object);
      if (key !== null) throw new BadRequestException(`property ${key} should not exist`);
    }
    return super.transform(value, metadata);
  }
}

/**
 * A key named like a property of Object.prototype (`toString`, `constructor`…), anywhere in the
 * body. class-transformer skips such keys instead of copying them, so whitelisting never sees
 * them and they would be dropped in silence rather than refused like any other unknown key.
 */
export function prototypeKey(value: object): string | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      if (key in Object.prototype) return key;
      stack.push(child);
    }
  }
  return null;
}
