import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Agent ids appear in Redis keys and URLs: short, ASCII, no separators. */
export const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

@Injectable()
export class AgentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!AGENT_ID.test(value)) {
      throw new BadRequestException('An agent id is 1-64 letters, digits, "_" or "-"');
    }
    return value;
  }
}
