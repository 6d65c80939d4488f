import { randomBytes } from 'node:crypto';
import {
  SecretBox,
  SecretMetadata,
  secretRecordId,
  SecretStore,
  SecretWrite,
  StoredSecret,
} from '@app/catalog';
import { refusal } from '../http/spec-helpers';
import type { SecretReferences } from './secret-references';
import { SecretsService } from './secrets.service';

/** The secrets as SecretStore keeps them in Redis, in memory. */
class FakeSecretStore {
  readonly secrets = new Map<string, StoredSecret>();
  private clock = 0;

  list() {
    return Promise.resolve(
      [...this.secrets.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(({ sealed: _sealed, ...rest }) => rest),
    );
  }

  get(name: string) {
    return Promise.resolve(this.secrets.get(name) ?? null);
  }

  put(write: SecretWrite) {
    const current = this.secrets.get(write.name);
    const now = `2026-01-01T00:00:0${++this.clock}.000Z`;
    const stored: StoredSecret = {
      ...write,
      version: (current?.version ?? 0) + 1,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    this.secrets.set(write.name, stored);
    const { sealed: _sealed, ...secret } = stored;
    return Promise.resolve({ secret: secret as SecretMetadata, created: !current });
  }

  delete(name: string) {
    return Promise.resolve(this.secrets.delete(name));
  }
}

describe('SecretsService', () => {
  const box = new SecretBox(randomBytes(32));
  let store: FakeSecretStore;
  let users: string[];
  let service: SecretsService;
  const VALUE = 'sk-live-Zq7x9w';

  beforeEach(() => {
    store = new FakeSecretStore();
    users = [];
    const references = { usersOf: () => Promise.resolve(users) } as SecretReferences;
    service = new SecretsService(store as unknown as SecretStore, box, references);
  });

  it('stores the value sealed for the secret alone, and answers metadata without it', async () => {
    const { secret, created } = await service.put('CRM_KEY', { value: VALUE, description: 'CRM' });
    expect(created).toBe(true);
    expect(secret).toEqual({
      name: 'CRM_KEY',
      description: 'CRM',
      version: 1,
      fingerprint: box.fingerprint(VALUE),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(secret)).not.toContain(VALUE);
    const stored = store.secrets.get('CRM_KEY')!;
    expect(stored.sealed).not.toContain(VALUE);
    expect(box.open(stored.sealed, secretRecordId('CRM_KEY'))).toBe(VALUE);
    // Sealed for this secret: the same text under a channel's id (a Webim password's) does not open.
    expect(() => box.open(stored.sealed, 'CRM_KEY')).toThrow();
  });

  it('replaces: a new version and fingerprint, the creation time kept, the description as sent', async () => {
    const first = await service.put('K', { value: VALUE, description: 'old' });
    const second = await service.put('K', { value: `${VALUE}2` });
    expect(second.created).toBe(false);
    expect(second.secret.version).toBe(2);
    expect(second.secret.fingerprint).not.toBe(first.secret.fingerprint);
    expect(second.secret.createdAt).toBe(first.secret.createdAt);
    expect(second.secret).not.toHaveProperty('description');
  });

  it('reads metadata only, and says 404 for an unknown name', async () => {
    await service.put('B', { value: VALUE });
    await service.put('A', { value: VALUE });
    expect((await service.list()).map((s) => s.name)).toEqual(['A', 'B']);
    expect(JSON.stringify(await service.list())).not.toContain('sealed');
    expect(await service.get('A')).not.toHaveProperty('sealed');
    expect(await refusal(service.get('C'))).toEqual([404, 'No secret "C"']);
  });

  it('deletes, 404 when there is nothing to delete', async () => {
    await service.put('K', { value: VALUE });
    await service.remove('K');
    expect(store.secrets.has('K')).toBe(false);
    expect(await refusal(service.remove('K'))).toEqual([404, 'No secret "K"']);
  });

  it('refuses to delete a secret something names, and keeps it', async () => {
    await service.put('K', { value: VALUE });
    users = ['orders'];
    expect(await refusal(service.remove('K'))).toEqual([409, 'Secret "K" is named by 1 agent(s)']);
    expect(store.secrets.has('K')).toBe(true);
  });
});
