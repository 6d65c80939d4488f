import type { Redis } from 'ioredis';
import type { CatalogChange } from './catalog-records';
import type { SecretBox } from './secret-box';
import { secretRecordId, SecretStore } from './secret-store';

/** Some of the names asked for have no stored secret. The message names them, nothing more. */
export class UnknownSecretsError extends Error {
  constructor(readonly names: string[]) {
    super(`No stored secret named ${names.map((n) => `"${n}"`).join(', ')}`);
    this.name = 'UnknownSecretsError';
  }
}

/**
 * A stored secret does not open with this process's key: SECRETS_KEY differs from the one it
 * was sealed with, or the record was tampered with.
 */
export class UnreadableSecretsError extends Error {
  constructor(readonly names: string[]) {
    super(
      `Stored secret(s) ${names.map((n) => `"${n}"`).join(', ')} cannot be opened with this ` +
        'SECRETS_KEY; store them again',
    );
    this.name = 'UnreadableSecretsError';
  }
}

type Lookup = { value: string } | { missing: true } | { unreadable: true };

/**
 * Secrets' values by name, for the process that sends them. Values are kept in memory once
 * read, and a catalog change of a secret drops its copy at once (the change is published after
 * the write, so a read that follows it sees the new value). While the subscription is down,
 * changes could be missed: nothing is kept then, and everything is dropped when it returns.
 */
export class SecretResolver {
  private readonly cache = new Map<string, Promise<Lookup>>();
  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.store.changesChannel) return;
    try {
      const change = JSON.parse(message) as CatalogChange;
      if (change.kind === 'secret') this.cache.delete(change.id);
    } catch {
      this.cache.clear();
    }
  };
  private readonly onReady = () => this.cache.clear();
  private listening = false;

  constructor(
    private readonly store: SecretStore,
    private readonly box: SecretBox,
    private readonly subscriber: Redis,
  ) {}

  /** Subscribes to catalog changes; until then every call reads Redis. */
  async start(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('ready', this.onReady);
    await this.subscriber.subscribe(this.store.changesChannel);
    this.listening = true;
  }

  /** Stops listening (the subscriber connection is the caller's) and forgets every value. */
  stop(): void {
    this.listening = false;
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onReady);
    this.cache.clear();
  }

  /**
   * Each name's value. Throws UnknownSecretsError naming every name without a secret, or
   * UnreadableSecretsError naming those that do not open; names only, never a value.
   */
  async resolve(names: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    const lookups = await Promise.all(unique.map((name) => this.lookup(name)));
    const missing = unique.filter((_, i) => 'missing' in lookups[i]);
    if (missing.length > 0) throw new UnknownSecretsError(missing);
    const unreadable = unique.filter((_, i) => 'unreadable' in lookups[i]);
    if (unreadable.length > 0) throw new UnreadableSecretsError(unreadable);
    return new Map(unique.map((name, i) => [name, (lookups[i] as { value: string }).value]));
  }

  /** How many values are kept in memory (for tests and metrics). */
  get cached(): number {
    return this.cache.size;
  }

  private lookup(name: string): Promise<Lookup> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const reading = this.read(name);
    if (this.listening && this.subscriber.status === 'ready') {
      this.cache.set(name, reading);
      // Absent and unreadable secrets are read again next time: they may be stored any moment.
      reading.then(
        (found) => 'value' in found || this.forget(name, reading),
        () => this.forget(name, reading),
      );
    }
    return reading;
  }

  private forget(name: string, reading: Promise<Lookup>): void {
    if (this.cache.get(name) === reading) this.cache.delete(name);
  }

  private async read(name: string): Promise<Lookup> {
    const stored = await this.store.get(name);
    if (!stored) return { missing: true };
    try {
      return { value: this.box.open(stored.sealed, secretRecordId(name)) };
    } catch {
      return { unreadable: true };
    }
  }
}
