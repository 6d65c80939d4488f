import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { ChannelRecord } from '@app/catalog';
import { ApiIdParam } from '../http/api-params';
import { ApiError, ApiErrors, ManagementApi } from '../http/api-responses';
import { CatalogIdPipe } from '../http/id-pipes';
import { ChannelLifecycle, ChannelResult } from './channel-lifecycle.service';
import { ChannelRegistry } from './channel-registry.service';
import { channelView, ChannelView } from './channel-view';
import { CreateChannelDto, UpdateChannelDto } from './channel.dto';

const CHANNEL_ID = ApiIdParam('channelId', 'catalog', 'orders');

@ApiTags('channels')
@ManagementApi()
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
  @ApiOkResponse({ type: ChannelView, isArray: true })
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
  @ApiCreatedResponse({ type: ChannelView })
  @ApiErrors(400, 409, 413)
  async create(@Body() dto: CreateChannelDto): Promise<ChannelView> {
    return this.view(await this.lifecycle.create(dto));
  }

  @Get(':channelId')
  @ApiOperation({ summary: 'One channel, with its webhook URL' })
  @CHANNEL_ID
  @ApiOkResponse({ type: ChannelView })
  @ApiErrors(400, 404)
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
  @CHANNEL_ID
  @ApiOkResponse({ type: ChannelView })
  @ApiErrors(400, 404, 413)
  @ApiError(422, 'Apply refused: the checks, in details')
  @ApiError(409, 'The channel changed meanwhile; read it again and retry')
  async update(
    @Param('channelId', CatalogIdPipe) id: string,
    @Body() dto: UpdateChannelDto,
  ): Promise<ChannelView> {
    return this.view(await this.lifecycle.update(id, dto));
  }

  @Post(':channelId/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the activation checks; active if they pass' })
  @CHANNEL_ID
  @ApiOkResponse({ type: ChannelView })
  @ApiErrors(400, 404, 409)
  @ApiError(422, 'The checks failed (in details); the channel stays inactive')
  async activate(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.activate(id));
  }

  @Post(':channelId/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Its webhook then hands every chat off' })
  @CHANNEL_ID
  @ApiOkResponse({ type: ChannelView })
  @ApiErrors(400, 404, 409)
  async deactivate(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.deactivate(id));
  }

  @Post(':channelId/rotate-token')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new webhook URL; the old one answers 404 from now on' })
  @CHANNEL_ID
  @ApiOkResponse({ type: ChannelView })
  @ApiErrors(400, 404, 409)
  async rotateToken(@Param('channelId', CatalogIdPipe) id: string): Promise<ChannelView> {
    return this.view(await this.lifecycle.rotateToken(id));
  }

  @Delete(':channelId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the channel; its webhook answers 404 from now on' })
  @CHANNEL_ID
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async remove(@Param('channelId', CatalogIdPipe) id: string): Promise<void> {
    await this.lifecycle.remove(id);
  }
}
