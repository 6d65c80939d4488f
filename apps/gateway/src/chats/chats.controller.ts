import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CatalogStore } from '@app/catalog';
import { ConversationStore, InvalidCursorError } from '@app/conversation';
import { CatalogIdPipe, ChatIdPipe } from '../http/catalog-id.pipe';

export class ListChatsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;
}

/** Transcripts: what every chat of a channel said and was told, for people reviewing the bot. */
@ApiTags('chats')
@ApiBearerAuth()
@Controller('api/channels/:channelId/chats')
export class ChatsController {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly conversations: ConversationStore,
  ) {}

  private async requireChannel(channelId: string): Promise<void> {
    if (!(await this.catalog.getChannel(channelId))) {
      throw new NotFoundException(`No channel "${channelId}"`);
    }
  }

  @Get()
  @ApiOperation({ summary: 'Recent chats, newest first, a page at a time' })
  async list(@Param('channelId', CatalogIdPipe) channelId: string, @Query() query: ListChatsQuery) {
    await this.requireChannel(channelId);
    try {
      return await this.conversations.transcripts.list(channelId, query.limit ?? 50, query.cursor);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get(':chatId')
  @ApiOperation({ summary: "A chat's state, buffered messages and transcript" })
  async get(
    @Param('channelId', CatalogIdPipe) channelId: string,
    @Param('chatId', ChatIdPipe) chatId: string,
  ) {
    await this.requireChannel(channelId);
    const [stored, outbox, transcript, lastActivityAt] = await Promise.all([
      this.conversations.read(channelId, chatId),
      this.conversations.outbox(channelId, chatId),
      this.conversations.transcripts.read(channelId, chatId),
      this.conversations.transcripts.lastActivity(channelId, chatId),
    ]);
    if (!stored.conversation && transcript.length === 0 && outbox.length === 0) {
      throw new NotFoundException(`No chat "${chatId}" in channel "${channelId}"`);
    }
    return {
      channelId,
      chatId,
      lastActivityAt,
      conversation: stored.conversation,
      lastHandoff: stored.handoff,
      bufferedMessages: outbox,
      transcript,
    };
  }
}
