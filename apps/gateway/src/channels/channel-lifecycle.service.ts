import {
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  CatalogStore,
  ChannelRecord,
  newChannelId,
  newWebhookToken,
  SecretBox,
  WebimCredentials,
} from '@app/catalog';
import { ConversationStore } from '@app/conversation';
import { ActivationCheck, ActivationChecks } from './activation-checks.service';
import { ChannelRegistry } from './channel-registry.service';
import type { ActivationReport } from './channel-view';
import type { CreateChannelDto, UpdateChannelDto, WebimCredentialsDto } from './channel.dto';

export interface ChannelResult {
  channel: ChannelRecord;
  activation?: ActivationReport;
}

/** 422 with each check's outcome: the change was refused and nothing was stored. */
export class ActivationChecksFailed extends UnprocessableEntityException {
  constructor(message: string, checks: ActivationCheck[]) {
    super({ message, details: checks });
  }
}

/**
 * A channel's lifecycle: Create, Create & Activate, Save, Save & Activate, Apply, Deactivate,
 * rotate the token, Delete. Every write is a compare-and-set on configVersion (two admins cannot
 * silently overwrite each other), is served by this instance at once, and returns only once
 * every live gateway instance serves it, so a 200 means the webhook behaves as it says.
 */
@Injectable()
export class ChannelLifecycle {
  private readonly logger = new Logger(ChannelLifecycle.name);

  constructor(
    private readonly catalog: CatalogStore,
    private readonly registry: ChannelRegistry,
    private readonly checks: ActivationChecks,
    private readonly secrets: SecretBox,
    private readonly conversations: ConversationStore,
  ) {}

  /** Read afresh: a channel another instance has just created or changed is listed as it is. */
  async list(): Promise<ChannelRecord[]> {
    await this.registry.refresh();
    return this.registry.list();
  }

  async get(id: string): Promise<ChannelRecord> {
    const channel = await this.catalog.getChannel(id);
    if (!channel) throw new NotFoundException(`No channel "${id}"`);
    return channel;
  }

  async create(dto: CreateChannelDto): Promise<ChannelResult> {
    const id = newChannelId();
    const now = new Date().toISOString();
    const channel: ChannelRecord = {
      id,
      name: dto.name ?? 'New channel',
      agentId: dto.agentId,
      status: 'inactive',
      token: newWebhookToken(),
      configVersion: 1,
      webim: this.credentials(id, undefined, dto.webim),
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.catalog.createChannelIfAbsent(channel))) {
      throw new ConflictException('A channel with the generated id exists; retry');
    }
    await this.registry.apply(channel);
    this.logger.log({ channelId: id, agentId: channel.agentId }, 'Channel created');
    return dto.activate ? this.activateSaved(channel) : { channel };
  }

  async update(id: string, dto: UpdateChannelDto): Promise<ChannelResult> {
    const current = await this.get(id);
    const changed: ChannelRecord = {
      ...current,
      name: dto.name ?? current.name,
      agentId: dto.agentId ?? current.agentId,
      webim: this.credentials(id, current.webim, dto.webim),
    };
    const unchanged =
      changed.name === current.name &&
      changed.agentId === current.agentId &&
      JSON.stringify(changed.webim) === JSON.stringify(current.webim);
    if (
      unchanged &&
      (dto.activate === undefined || (dto.activate === true) === (current.status === 'active'))
    ) {
      return { channel: current };
    }
    if (current.status === 'inactive') {
      const saved = unchanged ? current : await this.save(changed, current);
      return dto.activate ? this.activateSaved(saved) : { channel: saved };
    }
    if (dto.activate === false)
      return { channel: await this.save({ ...changed, status: 'inactive' }, current) };
    // Apply: the active channel changes only if it would pass activation as changed.
    const checks = [
      await this.checks.agentTrained(changed.agentId),
      await this.checks.webhookRegistered(current.id, current.configVersion),
      await this.checks.addressAccessible(current),
    ];
    if (!checks.every((c) => c.ok)) {
      throw new ActivationChecksFailed('The activation checks failed; nothing changed', checks);
    }
    return { channel: await this.save(changed, current), activation: { activated: true, checks } };
  }

  async activate(id: string): Promise<ChannelResult> {
    const current = await this.get(id);
    if (current.status === 'active') return { channel: current };
    const result = await this.activateSaved(current);
    if (!result.activation.activated) {
      throw new ActivationChecksFailed(
        'The activation checks failed; the channel stays inactive',
        result.activation.checks,
      );
    }
    return result;
  }

  async deactivate(id: string): Promise<ChannelRecord> {
    const current = await this.get(id);
    if (current.status === 'inactive') return current;
    return this.save({ ...current, status: 'inactive' }, current);
  }

  /** A new webhook URL; the old one stops working on every instance before this returns. */
  async rotateToken(id: string): Promise<ChannelRecord> {
    const current = await this.get(id);
    return this.save({ ...current, token: newWebhookToken() }, current);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.catalog.deleteChannel(id))) throw new NotFoundException(`No channel "${id}"`);
    this.registry.forget(id);
    await this.conversations.transcripts.forgetChannel(id);
    this.logger.log({ channelId: id }, 'Channel deleted');
  }

  /** Checks a stored inactive channel and, if it passes, makes it active. */
  private async activateSaved(
    channel: ChannelRecord,
  ): Promise<{ channel: ChannelRecord; activation: ActivationReport }> {
    // In order: the address can only answer once the instances serve the channel.
    const checks = [
      await this.checks.agentTrained(channel.agentId),
      await this.checks.webhookRegistered(channel.id, channel.configVersion),
    ];
    checks.push(await this.checks.addressAccessible(channel));
    if (!checks.every((c) => c.ok)) {
      this.logger.warn(
        { channelId: channel.id, failed: checks.filter((c) => !c.ok).map((c) => c.name) },
        'Channel saved but not activated',
      );
      return { channel, activation: { activated: false, checks } };
    }
    const active = await this.save({ ...channel, status: 'active' }, channel);
    this.logger.log({ channelId: channel.id }, 'Channel activated');
    return { channel: active, activation: { activated: true, checks } };
  }

  /** Compare-and-set on configVersion, then waits for the instances to serve the new version. */
  private async save(next: ChannelRecord, current: ChannelRecord): Promise<ChannelRecord> {
    const record: ChannelRecord = {
      ...next,
      configVersion: current.configVersion + 1,
      updatedAt: new Date().toISOString(),
    };
    if (!(await this.catalog.saveChannel(record, current.configVersion))) {
      throw new ConflictException('The channel was changed meanwhile; read it again and retry');
    }
    await this.registry.apply(record);
    const propagated = await this.checks.webhookRegistered(record.id, record.configVersion);
    if (!propagated.ok) {
      this.logger.warn({ channelId: record.id, reason: propagated.reason }, 'Change not confirmed');
    }
    return record;
  }

  private credentials(
    channelId: string,
    current: WebimCredentials | undefined,
    dto: WebimCredentialsDto | undefined,
  ): WebimCredentials | undefined {
    if (!dto) return current;
    const next: WebimCredentials = { ...current };
    if (dto.domain !== undefined) next.domain = dto.domain;
    if (dto.email !== undefined) next.email = dto.email;
    if (dto.password === null) delete next.passwordSealed;
    else if (dto.password !== undefined) {
      next.passwordSealed = this.secrets.seal(dto.password, channelId);
    }
    return next;
  }
}
