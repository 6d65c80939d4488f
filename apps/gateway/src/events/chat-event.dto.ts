import { IsObject, IsOptional, IsString, Matches } from 'class-validator';

export class ChatEventDto {
  /** The incoming request's name, as the agent's `events:` declares it. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'name must be 1-64 letters, digits, "_", "." or "-"',
  })
  name: string;

  /** Flat values for the branch: each key becomes the variable `event_<key>`. */
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}
