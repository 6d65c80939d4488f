import type { CatalogStore } from '@app/catalog';
import {
  ConversationStore,
  HandoffRecord,
  InvalidCursorError,
  StoredConversation,
  TranscriptEntry,
} from '@app/conversation';
import type { BotMessage } from '@app/scenario';
import { refusal } from '../http/spec-helpers';
import { ChatsService } from './chats.service';

class FakeCatalog {
  readonly channels = new Set(['shop']);

  getChannel(id: string) {
    return Promise.resolve(this.channels.has(id) ? { id } : null);
  }
}

interface FakeChat {
  conversation?: StoredConversation;
  handoff?: HandoffRecord;
  outbox?: BotMessage[];
  transcript?: TranscriptEntry[];
  lastActivityAt?: string;
}

/** One channel's chats in memory; `listed` records each page asked of the transcript index. */
class FakeConversations {
  readonly chats = new Map<string, FakeChat>();
  readonly listed: [string, number, string | undefined][] = [];
  listError?: Error;

  private chat(chatId: string): FakeChat {
    return this.chats.get(chatId) ?? {};
  }

  read(_channelId: string, chatId: string) {
    const chat = this.chat(chatId);
    return Promise.resolve({
      conversation: chat.conversation ?? null,
      handoff: chat.handoff ?? null,
      turns: 0,
    });
  }

  outbox(_channelId: string, chatId: string) {
    return Promise.resolve(this.chat(chatId).outbox ?? []);
  }

  readonly transcripts = {
    list: (channelId: string, limit: number, cursor?: string) => {
      this.listed.push([channelId, limit, cursor]);
      if (this.listError) return Promise.reject(this.listError);
      const chats = [...this.chats.keys()].map((chatId) => ({ chatId, lastActivityAt: 'then' }));
      return Promise.resolve({ chats, nextCursor: null });
    },
    read: (_channelId: string, chatId: string) =>
      Promise.resolve(this.chat(chatId).transcript ?? []),
    lastActivity: (_channelId: string, chatId: string) =>
      Promise.resolve(this.chat(chatId).lastActivityAt ?? null),
  };
}

describe('ChatsService', () => {
  let catalog: FakeCatalog;
  let conversations: FakeConversations;
  let chats: ChatsService;

  beforeEach(() => {
    catalog = new FakeCatalog();
    conversations = new FakeConversations();
    chats = new ChatsService(
      catalog as unknown as CatalogStore,
      conversations as unknown as ConversationStore,
    );
  });

  it('lists a page of 50 chats unless told otherwise, passing the cursor on', async () => {
    conversations.chats.set('c1', {});
    expect(await chats.list('shop')).toEqual({
      chats: [{ chatId: 'c1', lastActivityAt: 'then' }],
      nextCursor: null,
    });
    await chats.list('shop', 5, 'next');
    expect(conversations.listed).toEqual([
      ['shop', 50, undefined],
      ['shop', 5, 'next'],
    ]);
  });

  it('answers 404 for an unknown channel without reading its chats', async () => {
    expect(await refusal(chats.list('nope'))).toEqual([404, 'No channel "nope"']);
    expect(await refusal(chats.get('nope', 'c1'))).toEqual([404, 'No channel "nope"']);
    expect(conversations.listed).toEqual([]);
  });

  it('answers 400 for a cursor the index cannot read, and lets other errors through', async () => {
    conversations.listError = new InvalidCursorError('Invalid cursor');
    expect(await refusal(chats.list('shop', 10, 'garbage'))).toEqual([400, 'Invalid cursor']);
    conversations.listError = new Error('Redis is away');
    await expect(chats.list('shop')).rejects.toThrow('Redis is away');
  });

  it("shows a chat's conversation, last hand-off, waiting messages and transcript", async () => {
    const conversation = { branch: 'menu' } as unknown as StoredConversation;
    const handoff = { reason: 'timeout' } as unknown as HandoffRecord;
    const transcript = [{ kind: 'visitor' }] as unknown as TranscriptEntry[];
    conversations.chats.set('c1', {
      conversation,
      handoff,
      outbox: [{ type: 'text', text: 'Still there?' }],
      transcript,
      lastActivityAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await chats.get('shop', 'c1')).toEqual({
      channelId: 'shop',
      chatId: 'c1',
      lastActivityAt: '2026-01-01T00:00:00.000Z',
      conversation,
      lastHandoff: handoff,
      bufferedMessages: [{ type: 'text', text: 'Still there?' }],
      transcript,
    });
  });

  it('shows a chat known only by its transcript or its waiting messages', async () => {
    conversations.chats.set('ended', { transcript: [{}] as unknown as TranscriptEntry[] });
    conversations.chats.set('waiting', { outbox: [{ type: 'text', text: 'Hi' }] });
    expect(await chats.get('shop', 'ended')).toMatchObject({ conversation: null });
    expect(await chats.get('shop', 'waiting')).toMatchObject({ transcript: [] });
  });

  it('answers 404 for a chat with no conversation, transcript or waiting message', async () => {
    expect(await refusal(chats.get('shop', 'c9'))).toEqual([404, 'No chat "c9" in channel "shop"']);
  });
});
