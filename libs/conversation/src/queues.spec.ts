import { eventJobId, jobIdOf, timerJobId, turnJobId } from './queues';

/** A deterministic pseudo-random source (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that ids are made of, and those that an encoding could confuse: the joiner, what it is
// escaped to, the escape character, BullMQ's separator, characters outside ASCII.
const PIECES = [
  '.',
  '%',
  '%2E',
  '2E',
  ':',
  'x',
  'y',
  'E',
  '-',
  '_',
  '|',
  '{',
  '}',
  ' ',
  'é',
  '中',
  '😀',
  '',
];

function randomPart(next: () => number): string {
  let part = '';
  const length = Math.floor(next() * 5);
  for (let i = 0; i < length; i++) part += PIECES[Math.floor(next() * PIECES.length)];
  return part;
}

describe('job ids', () => {
  it('never give two different tuples of parts the same id', () => {
    const next = random(20240601);
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from({ length: 2 + Math.floor(next() * 3) }, () => randomPart(next));
      const id = jobIdOf(...parts);
      const tuple = JSON.stringify(parts);
      expect(seen.get(id) ?? tuple).toBe(tuple);
      seen.set(id, tuple);
      // Each part can be read back: nothing of one part leaks into the next.
      expect(id.split('.').map(decodeURIComponent)).toEqual(parts);
      expect(id).not.toContain(':');
    }
    expect(seen.size).toBeGreaterThan(15_000);
  });

  it('tell apart the requests of two chats whose ids and keys differ only in where a dot falls', () => {
    expect(eventJobId('shop', 'x', 'y.z')).not.toBe(eventJobId('shop', 'x.y', 'z'));
    expect(turnJobId('shop', 'x', 'y.z')).not.toBe(turnJobId('shop', 'x.y', 'z'));
    const timer = (chatId: string, name: string) =>
      timerJobId({ channelId: 'shop', chatId }, { agentId: 'shop', name, dueAt: 5 });
    expect(timer('c', 'a.shop.n')).not.toBe(timer('c.a', 'shop.n'));
    expect(timer('c', 'a.shop.n')).not.toBe(timer('c.a.shop', 'n'));
  });

  it('keep the ids of parts without a dot as they always were, so queued jobs are still found', () => {
    expect(turnJobId('demo', 'c-1', '076ae84c51-2')).toBe('demo.c-1.076ae84c51-2');
    expect(eventJobId('shop', 'c-1', 'ship-3')).toBe('event.shop.c-1.ship-3');
    expect(eventJobId('shop', 'чат 1/2', 'a:b%c')).toBe(
      `event.shop.${encodeURIComponent('чат 1/2')}.${encodeURIComponent('a:b%c')}`,
    );
    const chat = { channelId: 'shop', chatId: '9401b039-ace3-4619-b884-a24e0aaf7adb' };
    expect(timerJobId(chat, { agentId: 'shop', name: 'nudge', dueAt: 1796039669722 })).toBe(
      'timer.shop.9401b039-ace3-4619-b884-a24e0aaf7adb.shop.nudge.1796039669722',
    );
  });

  it('escape the dots of chat ids, keys and timer names', () => {
    expect(eventJobId('shop', 'x.y', 'z')).toBe('event.shop.x%2Ey.z');
    const chat = { channelId: 'shop', chatId: 'a.b' };
    expect(timerJobId(chat, { agentId: 'shop', name: 'order.late', dueAt: 7 })).toBe(
      'timer.shop.a%2Eb.shop.order%2Elate.7',
    );
  });

  it('refuse a part that is not well-formed Unicode, rather than give it an id another part has', () => {
    expect(() => jobIdOf('shop', 'c\ud800')).toThrow(/well-formed/);
  });
});
