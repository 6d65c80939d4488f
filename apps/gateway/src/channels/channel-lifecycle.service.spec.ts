import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CatalogStore, ChannelRecord, SecretBox } from '@app/catalog';
import type { ConversationStore } from '@app/conversation';
import { refusal } from '../http/spec-helpers';
import type {
  ActivationCheck,
  ActivationCheckName,
  ActivationChecks,
} from './activation-checks.service';
import { ActivationChecksFailed, ChannelLifecycle } from './channel-lifecycle.service';
import type { ChannelRegistry } from './channel-registry.service';

/** The catalog's channels in memory, with its compare-and-set on configVersion. */
class FakeCatalog {
  readonly channels = new Map<string, ChannelRecord>();
  /** Set to make the next save find the channel changed by someone else. */
  changedMeanwhile = false;

  getChannel(id: string) {
    return Promise.resolve(this.channels.get(id) ?? null);
  }

  createChannelIfAbsent(channel: ChannelRecord) {
    if (this.channels.has(channel.id)) return Promise.resolve(false);
    this.channels.set(channel.id, channel);
    return Promise.resolve(true);
  }

  saveChannel(channel: ChannelRecord, expectedVersion: number) {
    const stored = this.channels.get(channel.id);
    if (this.changedMeanwhile || stored?.configVersion !== expectedVersion) {
      return Promise.resolve(false);
    }
    this.channels.set(channel.id, channel);
    return Promise.resolve(true);
  }

  deleteChannel(id: string) {
    return Promise.resolve(this.channels.delete(id));
  }
}

/** What this instance serves; `refresh` reads the catalog, as the real registry does. */
class FakeRegistry {
  readonly served = new Map<string, ChannelRecord>();
  refreshed = 0;

  constructor(private readonly catalog: FakeCatalog) {}

  refresh() {
    this.refreshed++;
    for (const [id, channel] of this.catalog.channels) this.served.set(id, channel);
    return Promise.resolve();
  }

  list() {
    return [...this.served.values()];
  }

  apply(channel: ChannelRecord) {
    this.served.set(channel.id, channel);
    return Promise.resolve();
  }

  forget(channelId: string) {
    this.served.delete(channelId);
  }
}

/** Every check passes unless named in `failing`; `ran` records each check and its argument. */
class FakeChecks {
  readonly failing = new Set<ActivationCheckName>();
  readonly ran: string[] = [];

  private check(name: ActivationCheckName, on: string): ActivationCheck {
    this.ran.push(`${name}:${on}`);
    const ok = !this.failing.has(name);
    return { name, ok, reason: ok ? `${name} ok` : `${name} failed` };
  }

  agentTrained(agentId: string) {
    return Promise.resolve(this.check('agent_trained', agentId));
  }

  webhookRegistered(channelId: string, configVersion: number) {
    return Promise.resolve(this.check('webhook_registered', `${channelId}@${configVersion}`));
  }

  addressAccessible(channel: ChannelRecord) {
    return Promise.resolve(this.check('address_accessible', channel.id));
  }
}

class FakeConversations {
  readonly forgotten: string[] = [];
  readonly transcripts = {
    forgetChannel: (channelId: string) => {
      this.forgotten.push(channelId);
      return Promise.resolve();
    },
  };
}

const CHECKS = ['agent_trained', 'webhook_registered', 'address_accessible'];

describe('ChannelLifecycle', () => {
  let catalog: FakeCatalog;
  let registry: FakeRegistry;
  let checks: FakeChecks;
  let secrets: SecretBox;
  let conversations: FakeConversations;
  let lifecycle: ChannelLifecycle;

  // The lifecycle logs every change; the assertions are on the stores, not on the log.
  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    catalog = new FakeCatalog();
    registry = new FakeRegistry(catalog);
    checks = new FakeChecks();
    secrets = new SecretBox(randomBytes(32));
    conversations = new FakeConversations();
    lifecycle = new ChannelLifecycle(
      catalog as unknown as CatalogStore,
      registry as unknown as ChannelRegistry,
      checks as unknown as ActivationChecks,
      secrets,
      conversations as unknown as ConversationStore,
    );
  });

  /** A stored channel, as Create left it or with `status` and a later configVersion. */
  async function stored(status: ChannelRecord['status'] = 'inactive'): Promise<ChannelRecord> {
    const { channel } = await lifecycle.create({ agentId: 'shop' });
    if (status === 'inactive') return channel;
    const active = { ...channel, status, configVersion: 2 };
    catalog.channels.set(channel.id, active);
    checks.ran.length = 0;
    return active;
  }

  describe('create', () => {
    it('saves an inactive channel with defaults, served at once, running no check', async () => {
      const { channel, activation } = await lifecycle.create({ agentId: 'shop' });
      expect(channel).toMatchObject({
        name: 'New channel',
        agentId: 'shop',
        status: 'inactive',
        configVersion: 1,
      });
      expect(channel.token).toEqual(expect.any(String));
      expect(activation).toBeUndefined();
      expect(catalog.channels.get(channel.id)).toEqual(channel);
      expect(registry.served.get(channel.id)).toEqual(channel);
      expect(checks.ran).toEqual([]);
    });

    it('seals the Webim password for the channel and keeps the rest as sent', async () => {
      const { channel } = await lifecycle.create({
        agentId: 'shop',
        webim: { domain: 'demo.webim.ru', email: 'bot@example.com', password: 'secret' },
      });
      expect(channel.webim).toMatchObject({ domain: 'demo.webim.ru', email: 'bot@example.com' });
      expect(channel.webim?.passwordSealed).not.toContain('secret');
      expect(secrets.open(channel.webim!.passwordSealed!, channel.id)).toBe('secret');
    });

    it('Create & Activate: runs the checks in order and activates when all pass', async () => {
      const { channel, activation } = await lifecycle.create({ agentId: 'shop', activate: true });
      expect(channel).toMatchObject({ status: 'active', configVersion: 2 });
      expect(activation?.activated).toBe(true);
      expect(activation?.checks.map((c) => c.name)).toEqual(CHECKS);
      expect(checks.ran).toEqual([
        'agent_trained:shop',
        `webhook_registered:${channel.id}@1`,
        `address_accessible:${channel.id}`,
        // the activation itself is a change, confirmed like any other
        `webhook_registered:${channel.id}@2`,
      ]);
      expect(catalog.channels.get(channel.id)?.status).toBe('active');
    });

    it('Create & Activate with a failing check: saved, left inactive, the checks reported', async () => {
      checks.failing.add('agent_trained');
      const { channel, activation } = await lifecycle.create({ agentId: 'shop', activate: true });
      expect(channel).toMatchObject({ status: 'inactive', configVersion: 1 });
      expect(activation).toEqual({
        activated: false,
        checks: [
          { name: 'agent_trained', ok: false, reason: 'agent_trained failed' },
          { name: 'webhook_registered', ok: true, reason: 'webhook_registered ok' },
          { name: 'address_accessible', ok: true, reason: 'address_accessible ok' },
        ],
      });
      expect(catalog.channels.get(channel.id)?.status).toBe('inactive');
    });
  });

  describe('update', () => {
    it('Save: stores the change as the next configVersion and serves it', async () => {
      const channel = await stored();
      const { channel: saved } = await lifecycle.update(channel.id, { name: 'Shop' });
      expect(saved).toMatchObject({ name: 'Shop', configVersion: 2, status: 'inactive' });
      expect(catalog.channels.get(channel.id)).toEqual(saved);
      expect(registry.served.get(channel.id)).toEqual(saved);
      expect(checks.ran).toEqual([`webhook_registered:${channel.id}@2`]);
    });

    it('changes nothing when nothing changes', async () => {
      const channel = await stored();
      expect(await lifecycle.update(channel.id, { name: channel.name })).toEqual({ channel });
      expect(await lifecycle.update(channel.id, { activate: false })).toEqual({ channel });
      expect(catalog.channels.get(channel.id)?.configVersion).toBe(1);
    });

    it('Save & Activate: saves, then activates when the checks pass', async () => {
      const channel = await stored();
      const { channel: active, activation } = await lifecycle.update(channel.id, {
        agentId: 'other',
        activate: true,
      });
      expect(active).toMatchObject({ agentId: 'other', status: 'active', configVersion: 3 });
      expect(activation?.activated).toBe(true);
      expect(checks.ran).toContain('agent_trained:other');
    });

    it('Apply on an active channel: checks the changed agent, then stores the change', async () => {
      const channel = await stored('active');
      const { channel: applied, activation } = await lifecycle.update(channel.id, {
        agentId: 'other',
      });
      expect(applied).toMatchObject({ agentId: 'other', status: 'active', configVersion: 3 });
      expect(activation).toEqual({ activated: true, checks: expect.any(Array) });
      expect(checks.ran.slice(0, 3)).toEqual([
        'agent_trained:other',
        `webhook_registered:${channel.id}@2`,
        `address_accessible:${channel.id}`,
      ]);
    });

    it('Apply with a failing check: 422 with the checks, and the active channel unchanged', async () => {
      const channel = await stored('active');
      checks.failing.add('address_accessible');
      const refused = await lifecycle
        .update(channel.id, { agentId: 'other' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ActivationChecksFailed);
      expect((refused as ActivationChecksFailed).getStatus()).toBe(422);
      expect((refused as ActivationChecksFailed).getResponse()).toEqual({
        message: 'The activation checks failed; nothing changed',
        details: expect.arrayContaining([expect.objectContaining({ ok: false })]),
      });
      expect(catalog.channels.get(channel.id)).toEqual(channel);
    });

    it('deactivates an active channel told activate: false, with its other changes', async () => {
      const channel = await stored('active');
      const { channel: saved } = await lifecycle.update(channel.id, {
        name: 'Closed',
        activate: false,
      });
      expect(saved).toMatchObject({ name: 'Closed', status: 'inactive', configVersion: 3 });
      expect(checks.ran).toEqual([`webhook_registered:${channel.id}@3`]);
    });

    it('removes the password on null and keeps it when not mentioned', async () => {
      const { channel } = await lifecycle.create({
        agentId: 'shop',
        webim: { domain: 'demo.webim.ru', password: 'secret' },
      });
      const { channel: renamed } = await lifecycle.update(channel.id, {
        webim: { email: 'a@b.c' },
      });
      expect(renamed.webim).toEqual({ ...channel.webim, email: 'a@b.c' });
      const { channel: cleared } = await lifecycle.update(channel.id, {
        webim: { password: null },
      });
      expect(cleared.webim).toEqual({ domain: 'demo.webim.ru', email: 'a@b.c' });
    });

    it('answers 409 when the channel changed meanwhile, and 404 for an unknown one', async () => {
      const channel = await stored();
      catalog.changedMeanwhile = true;
      expect(await refusal(lifecycle.update(channel.id, { name: 'Shop' }))).toEqual([
        409,
        'The channel was changed meanwhile; read it again and retry',
      ]);
      expect(await refusal(lifecycle.update('nope', { name: 'Shop' }))).toEqual([
        404,
        'No channel "nope"',
      ]);
    });
  });

  describe('activate and deactivate', () => {
    it('activates an inactive channel whose checks pass, and leaves an active one alone', async () => {
      const channel = await stored();
      const { channel: active, activation } = await lifecycle.activate(channel.id);
      expect(active.status).toBe('active');
      expect(activation?.activated).toBe(true);
      checks.ran.length = 0;
      expect(await lifecycle.activate(channel.id)).toEqual({ channel: active });
      expect(checks.ran).toEqual([]);
    });

    it('answers 422 with the checks when they fail, the channel staying inactive', async () => {
      const channel = await stored();
      checks.failing.add('webhook_registered');
      const refused = await lifecycle.activate(channel.id).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ActivationChecksFailed);
      expect((refused as ActivationChecksFailed).getResponse()).toMatchObject({
        message: 'The activation checks failed; the channel stays inactive',
      });
      expect(catalog.channels.get(channel.id)?.status).toBe('inactive');
    });

    it('deactivates an active channel, and leaves an inactive one alone', async () => {
      const channel = await stored('active');
      const inactive = await lifecycle.deactivate(channel.id);
      expect(inactive).toMatchObject({ status: 'inactive', configVersion: 3 });
      expect(await lifecycle.deactivate(channel.id)).toEqual(inactive);
    });
  });

  it('rotates the token as a new configVersion, served at once', async () => {
    const channel = await stored();
    const rotated = await lifecycle.rotateToken(channel.id);
    expect(rotated.token).not.toBe(channel.token);
    expect(rotated.configVersion).toBe(2);
    expect(registry.served.get(channel.id)?.token).toBe(rotated.token);
  });

  it('deletes a channel with its transcripts, and answers 404 for an unknown one', async () => {
    const channel = await stored();
    await lifecycle.remove(channel.id);
    expect(catalog.channels.has(channel.id)).toBe(false);
    expect(registry.served.has(channel.id)).toBe(false);
    expect(conversations.forgotten).toEqual([channel.id]);
    expect(await refusal(lifecycle.remove(channel.id))).toEqual([
      404,
      `No channel "${channel.id}"`,
    ]);
  });

  it('lists the channels after reading the catalog afresh', async () => {
    const channel = await stored();
    const elsewhere = { ...channel, id: 'made-elsewhere' };
    catalog.channels.set(elsewhere.id, elsewhere);
    expect(await lifecycle.list()).toEqual([channel, elsewhere]);
    expect(registry.refreshed).toBe(1);
  });
});
