import { ValidateBy, ValidationOptions } from 'class-validator';
import { ID_RULES, IdKind, isValidId } from '@app/ids';

/** A DTO property that is an id of `kind`, under the id rule (libs/ids). */
export function IsId(kind: IdKind, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isId',
      constraints: [kind],
      validator: {
        validate: (value) => isValidId(kind, value),
        defaultMessage: (args) => `${args?.property} must be ${ID_RULES[kind].description}`,
      },
    },
    options,
  );
}
