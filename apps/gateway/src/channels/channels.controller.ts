import { Controller, Get } from '@nestjs/common';
import { ChannelRegistry } from './channel-registry.service';

@Controller('api/channels')
export class ChannelsController {
  constructor(private readonly registry: ChannelRegistry) {}

  @Get()
  async list() {
    await this.registry.refresh();
    return this.registry.list().map((channel) => ({
      id: channel.id,
      name: channel.name,
      agentId: channel.agentId,
      status: channel.status,
      webhookUrl: this.registry.webhookUrl(channel),
      createdAt: channel.createdAt,
      updatedAt: channel.updatedAt,
    }));
  }
}
