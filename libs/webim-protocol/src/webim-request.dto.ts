import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

// DTOs of Webim External Bot API 1.0 requests (docs/webim-protocol.md). Unknown keys are accepted
// everywhere: Webim adds fields between releases, and rejecting them would hand chats off for
// nothing. Ids are opaque strings (UUIDs and 32-hex are seen); the bounds only stop abuse.

const ID_MAX = 256;
const FIELD_MAX = 4096;

/** Ids become parts of Redis keys and log lines: printable text only. */
const PRINTABLE = /^[^\p{Cc}]*$/u;

/** Whether `value` is a valid Webim chat or visitor id, for ids that arrive in URL paths. */
export function isWebimId(value: string): boolean {
  return value.length >= 1 && value.length <= ID_MAX && PRINTABLE.test(value);
}
const PRINTABLE_MESSAGE = { message: '$property must not contain control characters' };

export class WebimChatDto {
  @IsString()
  @Length(1, ID_MAX)
  @Matches(PRINTABLE, PRINTABLE_MESSAGE)
  id: string;
}

/** Optional profile fields are strings in practice; numbers (a phone) are tolerated. */
export class WebimVisitorDto {
  @IsString()
  @Length(1, ID_MAX)
  @Matches(PRINTABLE, PRINTABLE_MESSAGE)
  id: string;

  @IsOptional() @IsString() @MaxLength(FIELD_MAX) firstname?: string | null;
  @IsOptional() @IsString() @MaxLength(FIELD_MAX) lastname?: string | null;
  @IsOptional() @IsString() @MaxLength(FIELD_MAX) username?: string | null;
  @IsOptional() @MaxLength(FIELD_MAX) @IsString() email?: string | null;

  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString()
  @MaxLength(FIELD_MAX)
  phone?: string | number | null;

  /** A string or an object (`{address: ...}` is seen); mapped to text either way. */
  @Allow()
  location?: unknown;
}

export class WebimButtonDto {
  @IsString()
  @Length(1, ID_MAX)
  id: string;

  @IsOptional()
  @IsString()
  text?: string;
}

export class WebimKeyboardResponseDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebimButtonDto)
  button: WebimButtonDto;
}

/** A message as it appears flat in `new_message` and as an item of `new_chat.messages`. */
export class WebimMessageDto {
  @IsString()
  @Length(1, 64)
  kind: string;

  @ValidateIf((m: WebimMessageDto) => m.kind === 'visitor')
  @IsString()
  text?: string;

  @ValidateIf((m: WebimMessageDto) => m.kind === 'keyboard_response')
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebimKeyboardResponseDto)
  response?: WebimKeyboardResponseDto;
}

export class WebimEnvelopeDto {
  @IsString()
  @Length(1, 64)
  event: string;
}

export class WebimNewChatDto {
  @IsIn(['new_chat'])
  event: 'new_chat';

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebimChatDto)
  chat: WebimChatDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebimVisitorDto)
  visitor?: WebimVisitorDto;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WebimMessageDto)
  messages?: WebimMessageDto[];

  @Allow()
  location?: unknown;
}

export class WebimNewMessageDto extends WebimMessageDto {
  @IsIn(['new_message'])
  event: 'new_message';

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebimChatDto)
  chat: WebimChatDto;
}
