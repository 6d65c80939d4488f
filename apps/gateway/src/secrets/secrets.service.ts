import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import {
  SecretBox,
  SecretMetadata,
  secretMetadata,
  secretRecordId,
  SecretStore,
} from '@app/catalog';
import type { PutSecretDto } from './secret.dto';
import { SecretReferences } from './secret-references';

/**
 * Stored secrets: API keys and tokens that agents will name, sealed with the process's
 * SecretBox before they reach Redis. Values go in and never come out of this service: every
 * answer and log line carries metadata only.
 */
@Injectable()
export class SecretsService {
  private readonly logger = new Logger(SecretsService.name);

  constructor(
    private readonly store: SecretStore,
    private readonly box: SecretBox,
    private readonly references: SecretReferences,
  ) {}

  list(): Promise<SecretMetadata[]> {
    return this.store.list();
  }

  async get(name: string): Promise<SecretMetadata> {
    const secret = await this.store.get(name);
    if (!secret) throw new NotFoundException(`No secret "${name}"`);
    return secretMetadata(secret);
  }

  /** Creates or replaces the secret; `created` says which. */
  async put(
    name: string,
    dto: PutSecretDto,
  ): Promise<{ secret: SecretMetadata; created: boolean }> {
    const result = await this.store.put({
      name,
      sealed: this.box.seal(dto.value, secretRecordId(name)),
      fingerprint: this.box.fingerprint(dto.value),
      ...(dto.description ? { description: dto.description } : {}),
    });
    this.logger.log(
      { secret: name, version: result.secret.version },
      result.created ? 'Secret created' : 'Secret replaced',
    );
    return result;
  }

  /** Refused while something names the secret: it would fail where it is used. */
  async remove(name: string): Promise<void> {
    const users = await this.references.usersOf(name);
    if (users.length > 0) {
      throw new ConflictException({
        message: `Secret "${name}" is named by ${users.length} agent(s)`,
        details: users.map((agent) => ({ agent })),
      });
    }
    if (!(await this.store.delete(name))) throw new NotFoundException(`No secret "${name}"`);
    this.logger.log({ secret: name }, 'Secret deleted');
  }
}
