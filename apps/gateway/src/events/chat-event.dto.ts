import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { ID_RULES } from '@app/ids';
import { IsId } from '../http/is-id';
import { MAX_EVENT_DATA_KEYS, MAX_EVENT_VALUE_LENGTH } from './event-data';

export class ChatEventDto {
  /** The incoming request's name, as the agent's `events:` declares it. */
  @ApiProperty({
    example: 'order_shipped',
    description: `The event's name as the agent's \`events:\` declares it: ${ID_RULES.name.description}`,
  })
  @IsId('name')
  name: string;

  /** Flat values for the branch: each key becomes the variable `event_<key>`. */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    maxProperties: MAX_EVENT_DATA_KEYS,
    example: { order: 'A-7' },
    description:
      `Flat values for the branch: each key becomes the variable \`event_<key>\`; at most ` +
      `${MAX_EVENT_DATA_KEYS} keys, each value at most ${MAX_EVENT_VALUE_LENGTH} characters as text`,
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

/** An incoming request taken: the id of its job, the same for a repeated Idempotency-Key. */
export class ChatEventAccepted {
  @ApiProperty({ description: 'The job id of the branch, e.g. to find it in Bull Board' })
  id: string;
}
