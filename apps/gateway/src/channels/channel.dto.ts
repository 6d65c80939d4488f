import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsId } from '../http/is-id';

/** May be left out, but not sent as null: null means nothing here and is refused. */
function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The Webim account the gateway uses to collect a chat's dialogue log after a hand-off. */
export class WebimCredentialsDto {
  @ApiPropertyOptional({ example: 'demo.webim.ru', description: "The Webim account's domain" })
  @OptionalNotNull()
  @IsString()
  @Matches(HOSTNAME, { message: 'webim.domain must be a host name, e.g. demo.webim.ru' })
  domain?: string;

  @ApiPropertyOptional({ example: 'bot@example.com' })
  @OptionalNotNull()
  @IsEmail({}, { message: 'webim.email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    writeOnly: true,
    description: 'Stored encrypted, never returned (see passwordSet); null removes it',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password?: string | null;
}

/** What Create and PATCH share: the channel's name and its Webim account. */
class ChannelFieldsDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Create: defaults to "New channel"' })
  @OptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: WebimCredentialsDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => WebimCredentialsDto)
  webim?: WebimCredentialsDto;
}

export class CreateChannelDto extends ChannelFieldsDto {
  @ApiProperty({ example: 'demo', description: 'The agent that answers the channel' })
  @IsId('catalog')
  agentId: string;

  @ApiPropertyOptional({ description: 'true: "Create & Activate"; otherwise "Create"' })
  @OptionalNotNull()
  @IsBoolean()
  activate?: boolean;
}

export class UpdateChannelDto extends ChannelFieldsDto {
  @ApiPropertyOptional({ example: 'demo' })
  @OptionalNotNull()
  @IsId('catalog')
  agentId?: string;

  @ApiPropertyOptional({
    description:
      'On an inactive channel, true is "Save & Activate". On an active one, false deactivates it.',
  })
  @OptionalNotNull()
  @IsBoolean()
  activate?: boolean;
}
