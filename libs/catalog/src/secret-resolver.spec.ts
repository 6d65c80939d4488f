import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SecretBox } from './secret-box';
import { SecretResolver, UnknownSecretsError, UnreadableSecretsError } from './secret-resolver';
import { secretRecordId, SecretStore, StoredSecret } from './secret-store';

const CHANGES = 'wg:catalog:changes';

/** Sealed secrets as Redis holds them, counting reads. */
class FakeStore {
  readonly changesChannel = CHANGES;
  readonly secrets = new Map<string, StoredSecret>();
  reads = 0;

  constructor(private readonly box: SecretBox) {}

  set(name: string, value: string, box = this.box) {
    this.secrets.set(name, {
      name,
      sealed: box.seal(value, secretRecordId(name)),
      fingerprint: box.fingerprint(value),
      version: (this.secrets.get(name)?.version ?? 0) + 1,
      createdAt: '',
      updatedAt: '',
    });
  }

  get(name: string) {
    this.reads += 1;
    return Promise.resolve(this.secrets.get(name) ?? null);
  }
}

/** A subscriber connection: what the resolver subscribes to, and the messages Redis sends. */
class FakeSubscriber extends EventEmitter {
  status = 'ready';
  readonly channels: string[] = [];

  subscribe(channel: string) {
    this.channels.push(channel);
    return Promise.resolve(1);
  }

  publish(kind: string, id: string) {
    this.emit('message', CHANGES, JSON.stringify({ kind, id }));
  }
}

describe('SecretResolver', () => {
  const box = new SecretBox(randomBytes(32));
  let store: FakeStore;
  let subscriber: FakeSubscriber;
  let resolver: SecretResolver;

  beforeEach(async () => {
    store = new FakeStore(box);
    subscriber = new FakeSubscriber();
    resolver = new SecretResolver(
      store as unknown as SecretStore,
      box,
      subscriber as unknown as Redis,
    );
    store.set('A', 'value-a');
    store.set('B', 'value-b');
    await resolver.start();
  });

  it('answers each name with its value, once per name', async () => {
    const values = await resolver.resolve(['A', 'B', 'A']);
    expect([...values]).toEqual([
      ['A', 'value-a'],
      ['B', 'value-b'],
    ]);
    expect(subscriber.channels).toEqual([CHANGES]);
  });

  it('keeps values read, and reads Redis again only for a secret that changed', async () => {
    await resolver.resolve(['A', 'B']);
    await resolver.resolve(['A', 'B']);
    expect(store.reads).toBe(2);
    store.set('A', 'value-a2');
    expect((await resolver.resolve(['A'])).get('A')).toBe('value-a'); // no notice yet
    subscriber.publish('secret', 'A');
    expect((await resolver.resolve(['A', 'B'])).get('A')).toBe('value-a2');
    expect(store.reads).toBe(3);
  });

  it('ignores changes of other kinds, and forgets everything on a notice it cannot read', async () => {
    await resolver.resolve(['A']);
    subscriber.publish('agent', 'A');
    subscriber.emit('message', 'another-channel', JSON.stringify({ kind: 'secret', id: 'A' }));
    await resolver.resolve(['A']);
    expect(store.reads).toBe(1);
    subscriber.emit('message', CHANGES, 'not json');
    await resolver.resolve(['A']);
    expect(store.reads).toBe(2);
  });

  it('forgets everything when the subscription comes back, and keeps nothing while it is down', async () => {
    await resolver.resolve(['A']);
    subscriber.status = 'reconnecting';
    store.set('A', 'value-a2');
    subscriber.emit('ready');
    subscriber.status = 'connect';
    expect((await resolver.resolve(['A'])).get('A')).toBe('value-a2');
    await resolver.resolve(['A']);
    expect(store.reads).toBe(3);
    expect(resolver.cached).toBe(0);
  });

  it('forgets a deleted secret at the notice', async () => {
    await resolver.resolve(['A']);
    store.secrets.delete('A');
    subscriber.publish('secret', 'A');
    await expect(resolver.resolve(['A'])).rejects.toThrow(UnknownSecretsError);
  });

  it('names every unknown name, and no value, in its error', async () => {
    const error = await resolver.resolve(['A', 'X', 'Y']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSecretsError);
    expect((error as UnknownSecretsError).names).toEqual(['X', 'Y']);
    expect((error as Error).message).toBe('No stored secret named "X", "Y"');
    expect((error as Error).message).not.toContain('value-a');
  });

  it('reads an unknown name again next time: it may be stored meanwhile', async () => {
    await expect(resolver.resolve(['C'])).rejects.toThrow(UnknownSecretsError);
    store.set('C', 'value-c');
    expect((await resolver.resolve(['C'])).get('C')).toBe('value-c');
  });

  it('says which secrets do not open with its key', async () => {
    store.set('OTHER_KEY', 'x', new SecretBox(randomBytes(32)));
    const error = await resolver.resolve(['A', 'OTHER_KEY']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableSecretsError);
    expect((error as UnreadableSecretsError).names).toEqual(['OTHER_KEY']);
  });

  it('after stop, keeps nothing and hears nothing', async () => {
    await resolver.resolve(['A']);
    resolver.stop();
    expect(resolver.cached).toBe(0);
    expect(subscriber.listenerCount('message')).toBe(0);
    await resolver.resolve(['A']);
    await resolver.resolve(['A']);
    expect(store.reads).toBe(3);
  });
});
