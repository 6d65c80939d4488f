import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { CatalogStore } from '@app/catalog';
import {
  ChatSummary,
  ConversationStore,
  HandoffRecord,
  InvalidCursorError,
  StoredConversation,
  TranscriptEntry,
} from '@app/conversation';
import type { BotMessage } from '@app/scenario';

const DEFAULT_PAGE_SIZE = 50;

export interface ChatPage {
  chats: ChatSummary[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface ChatDetail {
  channelId: string;
  chatId: string;
  lastActivityAt: string | null;
  conversation: StoredConversation | null;
  lastHandoff: HandoffRecord | null;
  /** Messages of timers and events waiting for the chat's next answer. */
  bufferedMessages: BotMessage[];
  transcript: TranscriptEntry[];
}

/** Transcripts: what every chat of a channel said and was told, for people reviewing the bot. */
@Injectable()
export class ChatsService {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly conversations: ConversationStore,
  ) {}

  /** Recent chats, newest first, a page at a time. */
  async list(channelId: string, limit?: number, cursor?: string): Promise<ChatPage> {
    await this.requireChannel(channelId);
    try {
      return await this.conversations.transcripts.list(
        channelId,
        limit ?? DEFAULT_PAGE_SIZE,
        cursor,
      );
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  /** A chat is known while it has a conversation, a transcript or messages waiting. */
  async get(channelId: string, chatId: string): Promise<ChatDetail> {
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

  private async requireChannel(channelId: string): Promise<void> {
    if (!(await this.catalog.getChannel(channelId))) {
      throw new NotFoundException(`No channel "${channelId}"`);
    }
  }
}
