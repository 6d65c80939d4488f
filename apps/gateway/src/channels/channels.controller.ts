import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { ChannelRecord } from '@app/catalog';
import { CatalogIdPipe } from '../http/id-pipes';
import { ChannelLifecycle, ChannelResult } from './channel-lifecycle.service';
import { ChannelRegistry } from './channel-registry.service';
import { channelView, ChannelView } from './channel-view';
import { CreateChannelDto, UpdateChannelDto } from './channel.dto';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/channels')
export class ChannelsController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly lifecycle: ChannelLifecycle,
  ) {}

  private view(result: ChannelResult | ChannelRecord): ChannelView {
    const { channel, activation } = 'channel' in result ? result : { channel: result };
    return channelView(channel, this.registry.webhookUrl(channel), activation);
  }

  @Get()
  @ApiOperation({ summary: 'Every channel, with its webhook URL' })
  async list(): Promise<ChannelView[]> {
    return (await this.lifecycle.list()).map((channel) => this.view(channel));
  }

  @Post()
  @ApiOperation({
    summary: 'Create, or "Create & Activate" with activate: true',
    description:
      'The channel is always saved. With activate: true the activation checks run, and the ' +
      'answer reports each one; a channel that fails them stays inactive.',
  })
  async create(@Body() dto: CreateChannelDto): Promise<ChannelView> {
    return this.view(await this.lifecycle.create(dto));
  }

  @Get(':channelId')
  @ApiNotFoundResponse()
  async get(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.get(id));
  }

  @Patch(':channelId')
  @ApiOperation({
    summary: '"Apply" on an active channel; "Save" or "Save & Activate" on an inactive one',
    description:
      'On an active channel the change takes effect only if the activation checks pass; ' +
      'otherwise nothing changes and the 422 lists the checks.',
  })
  @ApiUnprocessableEntityResponse({ description: 'Apply refused: the checks, in details' })
  @ApiConflictResponse({ description: 'The channel changed meanwhile' })
  async update(
    @Param('channelId', CatalogIdPipe) id: string,
    @Body() dto: UpdateChannelDto,
  ): Promise<ChannelView> {
    return this.view(await this.lifecycle.update(id, dto));
  }

  @Post(':channelId/activate')
  @HttpCode(200)
  @ApiUnprocessableEntityResponse({ description: 'The checks failed; the channel stays inactive' })
  async activate(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.activate(id));
  }

  @Post(':channelId/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Its webhook then hands every chat off' })
  async deactivate(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.deactivate(id));
  }

  @Post(':channelId/rotate-token')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new webhook URL; the old one answers 404 from now on' })
  async rotateToken(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.rotateToken(id));
  }

  @Delete(':channelId')
  @HttpCode(204)
  async remove(@Param('channelId', CatalogIdPipe) id: string): Promise<void> {
    await this.lifecycle.remove(id);
  }
}
