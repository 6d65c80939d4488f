import { api, errorText } from './api.js';
import { byId, el, fill } from './dom.js';
import { isSandbox } from './chat.js';
import { entryLines, systemLine } from './transcript-view.js';
import type { Channel, ChatDetail } from './types.js';

// Conversations of real channels, read-only: each channel's recent chats, and one chat's
// transcript as the conversation it was (GET /api/channels/{id}/chats[/{chatId}]).

interface ChatPage {
  chats: { chatId: string; lastActivityAt: string }[];
  nextCursor: string | null;
}

export class Conversations {
  private readonly channels = byId('channels');
  private readonly chats = byId('chats');
  private readonly transcript = byId('transcript');

  async load(): Promise<void> {
    const answer = await api<Channel[]>('/api/channels');
    if (!answer.ok) return fill(this.channels, el('p', { class: 'error' }, errorText(answer)));
    fill(this.chats);
    fill(this.transcript);
    fill(
      this.channels,
      answer.body.length === 0
        ? el('p', { class: 'muted' }, 'No channels yet.')
        : el(
            'ul',
            {},
            // Real channels first; the playground's sandboxes after them.
            ...[...answer.body]
              .sort((a, b) => Number(isSandbox(a)) - Number(isSandbox(b)))
              .map((channel) =>
                el(
                  'li',
                  {},
                  el(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      'data-channel': channel.id,
                      onclick: () => void this.openChannel(channel),
                    },
                    channel.name,
                  ),
                  el(
                    'span',
                    { class: 'muted' },
                    ` ${channel.id} · agent ${channel.agentId} · ${channel.status}` +
                      (isSandbox(channel) ? " · the playground's sandbox" : ''),
                  ),
                ),
              ),
          ),
    );
  }

  private async openChannel(channel: Channel, cursor?: string): Promise<void> {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const answer = await api<ChatPage>(`/api/channels/${channel.id}/chats?limit=50${query}`);
    if (!answer.ok) return fill(this.chats, el('p', { class: 'error' }, errorText(answer)));
    const { chats, nextCursor } = answer.body;
    if (!cursor) fill(this.transcript);
    fill(
      this.chats,
      el('h3', {}, `Recent chats of ${channel.name}`),
      chats.length === 0
        ? el('p', { class: 'muted' }, 'No chats recorded.')
        : el(
            'ul',
            {},
            ...chats.map((chat) =>
              el(
                'li',
                {},
                el(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    'data-chat': chat.chatId,
                    onclick: () => void this.openChat(channel, chat.chatId),
                  },
                  chat.chatId,
                ),
                el(
                  'span',
                  { class: 'muted' },
                  ` ${new Date(chat.lastActivityAt).toLocaleString()}`,
                ),
              ),
            ),
          ),
      nextCursor &&
        el(
          'button',
          { type: 'button', onclick: () => void this.openChannel(channel, nextCursor) },
          'Older chats',
        ),
    );
  }

  private async openChat(channel: Channel, chatId: string): Promise<void> {
    const answer = await api<ChatDetail>(
      `/api/channels/${channel.id}/chats/${encodeURIComponent(chatId)}`,
    );
    if (!answer.ok) return fill(this.transcript, el('p', { class: 'error' }, errorText(answer)));
    fill(
      this.transcript,
      el('h3', {}, `Chat ${chatId}`),
      el(
        'div',
        { class: 'messages read-only', id: 'transcript-lines' },
        ...(answer.body.transcript.length === 0
          ? [systemLine('Nothing recorded.')]
          : answer.body.transcript.flatMap((entry) => entryLines(entry))),
      ),
    );
  }
}
