import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { SECRET_VALUE_MAX_BYTES, secretValueProblem } from './secret-value';

/** The secret-value rule as a DTO property: its message names the problem, never the value. */
function IsSecretValue(): PropertyDecorator {
  return ValidateBy({
    name: 'isSecretValue',
    validator: {
      validate: (value) => secretValueProblem(value) === undefined,
      defaultMessage: (args) => `${args?.property} ${secretValueProblem(args?.value)}`,
    },
  });
}

export class PutSecretDto {
  @ApiProperty({
    writeOnly: true,
    minLength: 1,
    maxLength: SECRET_VALUE_MAX_BYTES,
    example: 'sk-live-…',
    description:
      `The secret itself: 1 to ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8, no control ` +
      'characters. Stored encrypted; never returned or logged.',
  })
  @IsSecretValue()
  value: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'CRM API key, production' })
  // May be left out, but not sent as null.
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @MaxLength(200)
  description?: string;
}

/** A stored secret as the API shows it: everything but its value. */
export class SecretView {
  @ApiProperty({ example: 'CRM_API_KEY' })
  name: string;

  @ApiPropertyOptional({ example: 'CRM API key, production' })
  description?: string;

  @ApiProperty({ example: 2, description: 'Grows with every replacement' })
  version: number;

  @ApiProperty({
    example: '3f1c9a0b7d2e',
    description:
      'Changes when the value changes, and is the same for two secrets with the same value; ' +
      'a keyed hash, so it reveals nothing of the value',
  })
  fingerprint: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
