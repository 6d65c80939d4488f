import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown at boot when the environment is invalid; the message lists every problem at once. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(error: ValidationError): string {
  const got = error.value === undefined ? 'unset' : JSON.stringify(String(error.value));
  // class-validator starts each message with the property name, which the line already shows.
  const why = Object.values(error.constraints ?? {})
    .map((m) => (m.startsWith(`${error.property} `) ? m.slice(error.property.length + 1) : m))
    .join('; ');
  return `${error.property}: ${why} (got ${got})`;
}

/**
 * Validates raw environment variables against a class-validator DTO. Empty strings count as
 * unset so that `FOO=` in a compose file falls back to the default instead of failing on "".
 * Values must not be echoed for secrets, so the DTO marks them with `@Secret()`. `earlier`:
 * problems found before validation (a secret file that cannot be read), reported with the rest.
 */
export function validateEnv<T extends object>(
  cls: new () => T,
  raw: Record<string, string | undefined>,
  earlier: string[] = [],
): T {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const instance = plainToInstance(cls, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0 || earlier.length > 0) {
    const secret = new Set(secretKeys(cls));
    throw new ConfigValidationError([
      ...earlier,
      ...errors.map((e) =>
        secret.has(e.property)
          ? describe({ ...e, value: '<redacted>' } as ValidationError)
          : describe(e),
      ),
    ]);
  }
  return instance;
}

const SECRET_KEYS = Symbol('secretKeys');

/** Marks an env property whose value must never be printed, even in a validation error. */
export function Secret(): PropertyDecorator {
  return (target, key) => {
    const holder = target as { [SECRET_KEYS]?: string[] };
    holder[SECRET_KEYS] = [...(holder[SECRET_KEYS] ?? []), String(key)];
  };
}

function secretKeys(cls: new () => object): string[] {
  return (cls.prototype as { [SECRET_KEYS]?: string[] })[SECRET_KEYS] ?? [];
}
