import { IsObject, IsOptional } from 'class-validator';
import { IsId } from '../http/is-id';

export class ChatEventDto {
  /** The incoming request's name, as the agent's `events:` declares it. */
  @IsId('name')
  name: string;

  /** Flat values for the branch: each key becomes the variable `event_<key>`. */
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}
