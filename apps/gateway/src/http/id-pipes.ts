import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { ID_RULES, IdKind, idProblem } from '@app/ids';

/**
 * The id rule (libs/ids) for ids in paths: an id that breaks it is refused with 400 before it
 * reaches a Redis key, a job id or a log line. The answer names the parameter and the problem,
 * never the id.
 */
export function idRefusal(kind: IdKind, name: string, value: unknown): BadRequestException | null {
  const problem = idProblem(kind, value);
  if (problem === undefined) return null;
  return new BadRequestException({
    message: `${name} must be ${ID_RULES[kind].description}`,
    details: [{ path: name, message: problem }],
  });
}

abstract class IdRulePipe implements PipeTransform<unknown, string> {
  protected abstract readonly kind: IdKind;

  transform(value: unknown, metadata: ArgumentMetadata): string {
    const refusal = idRefusal(this.kind, metadata.data ?? 'id', value);
    if (refusal) throw refusal;
    return value as string;
  }
}

/** Channel and agent ids in paths. */
@Injectable()
export class CatalogIdPipe extends IdRulePipe {
  protected readonly kind = 'catalog';
}

/** Webim chat ids in paths: the rule the webhook holds them to, so every chat it serves is reachable here. */
@Injectable()
export class ChatIdPipe extends IdRulePipe {
  protected readonly kind = 'webim';
}

/** Names of stored secrets in paths. */
@Injectable()
export class SecretNamePipe extends IdRulePipe {
  protected readonly kind = 'secret';
}

/** Names of timers and events in paths, as agents declare them. */
@Injectable()
export class NamePipe extends IdRulePipe {
  protected readonly kind = 'name';
}
