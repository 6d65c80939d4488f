import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { CATALOG_ID } from '@app/catalog';
import { isWebimId } from '@app/webim-protocol';

/** Channel and agent ids in paths: refused before they reach a Redis key. */
@Injectable()
export class CatalogIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CATALOG_ID.test(value)) {
      throw new BadRequestException('An id is 1-64 letters, digits, "_" or "-"');
    }
    return value;
  }
}

/** Webim chat ids in paths: the same rule as in the webhook's requests. */
@Injectable()
export class ChatIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isWebimId(value)) {
      throw new BadRequestException('A chat id is 1-256 printable characters');
    }
    return value;
  }
}
