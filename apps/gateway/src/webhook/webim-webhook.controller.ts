import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import type { ChannelRecord } from '@app/catalog';
import { parseWebimRequest, WebimRequestError, WebimResponse } from '@app/webim-protocol';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { TurnDispatcher } from '../turns/turn-dispatcher.service';
import { SkipThrottle } from '@nestjs/throttler';

/**
 * The URL an admin pastes into Webim ("Link to external API"). v1 has no authentication, so
 * the unguessable token in the path is the secret; requests with a wrong one stop here.
 */
@SkipThrottle()
@Controller('webim/:channelId/:token')
export class WebimWebhookController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly turns: TurnDispatcher,
  ) {}

  private channel(channelId: string, token: string): ChannelRecord {
    const channel = this.registry.authenticate(channelId, token);
    if (!channel) throw new NotFoundException('No such webhook');
    return channel;
  }

  /** Lets an admin who opens the URL in a browser see that it is the right endpoint. */
  @Get()
  describe(@Param('channelId') channelId: string, @Param('token') token: string) {
    const channel = this.channel(channelId, token);
    return {
      endpoint: 'Webim External Bot API 1.0 webhook',
      method: 'POST',
      channel: { id: channel.id, name: channel.name, status: channel.status },
    };
  }

  @Post()
  @HttpCode(200)
  async receive(
    @Param('channelId') channelId: string,
    @Param('token') token: string,
    @Body() body: unknown,
  ): Promise<WebimResponse> {
    const channel = this.channel(channelId, token);
    let request;
    try {
      request = parseWebimRequest(body);
    } catch (error) {
      if (error instanceof WebimRequestError) {
        throw new BadRequestException({
          message: 'Invalid Webim request',
          details: error.problems,
        });
      }
      throw error;
    }
    if (request.kind === 'unsupported') {
      const reason = channel.status === 'active' ? request.reason : 'channel_inactive';
      return this.turns.refuse(channel, request.chatId, reason, undefined, request.refusedChatId);
    }
    if (channel.status !== 'active') {
      return this.turns.refuse(channel, request.chatId, 'channel_inactive', request.input);
    }
    return this.turns.answer(channel, request.chatId, request.input);
  }
}
