import { idForLog } from './id-for-log';

describe('idForLog', () => {
  it('keeps the start, the length and a digest of an id, never the whole of a long one', () => {
    const id = `start-${'x'.repeat(300_000)}`;
    const logged = idForLog(id);
    expect(logged).toEqual({
      start: `start-${'x'.repeat(26)}`,
      length: 300_006,
      sha256: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(logged).length).toBeLessThan(120);
  });

  it('tells two ids with the same start apart', () => {
    const [a, b] = [`${'x'.repeat(40)}a`, `${'x'.repeat(40)}b`].map(idForLog);
    expect(a.start).toBe(b.start);
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('shows well-formed text, even when the id is not or its start splits a pair', () => {
    expect(idForLog('a\ud800b').start).toBe('a\ufffdb');
    expect(idForLog(`${'x'.repeat(31)}😀`).start).toBe(`${'x'.repeat(31)}\ufffd`);
  });
});
