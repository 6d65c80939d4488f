import { chatKeys } from './conversation-keys';
import { newTurnId } from './turn-contracts';

// A chat's keys are `<prefix>:chat:{<channel>:<chat>}` and suffixes. Channel ids hold no ':'
// (the id rule), so the first ':' inside the braces ends the channel; chat ids may hold
// anything, braces and colons included, and turn ids never hold '}'. Together that keeps the
// keys of two chats apart, whatever their ids look like.
const TRICKY_CHAT_IDS = [
  'c',
  'c}',
  'c}:turns',
  'c}:out:x',
  'c}:outbox}',
  'c:d',
  '{c}',
  'c}:leases',
  'c}:transcript',
  'd:c',
  '',
];

describe('chat keys', () => {
  it('never give two chats the same key', () => {
    const turnIds = [newTurnId(), newTurnId(), 'p-0123456789abcdef'];
    const owner = new Map<string, string>();
    for (const channelId of ['shop', 'shop-2']) {
      for (const chatId of TRICKY_CHAT_IDS) {
        const keys = chatKeys('wg', channelId, chatId);
        const all = [
          keys.chat,
          keys.turns,
          keys.leases,
          keys.outbox,
          keys.transcript,
          ...turnIds.map(keys.outcome),
        ];
        const chat = `${channelId}/${chatId}`;
        for (const key of all) {
          expect(owner.get(key) ?? chat).toBe(chat);
          owner.set(key, chat);
        }
      }
    }
  });

  it('give turn ids that cannot close the hash tag early', () => {
    for (let i = 0; i < 100; i++) expect(newTurnId()).toMatch(/^[0-9a-z-]+$/);
  });
});
