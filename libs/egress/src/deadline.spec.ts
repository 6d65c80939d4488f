import { effectiveTimeout } from './deadline';

describe('effectiveTimeout', () => {
  const rules = { marginMs: 200, minTimeoutMs: 50 };

  it("is the author's timeout when the deadline leaves more", () => {
    expect(effectiveTimeout(1000, 10_000, 5000, rules)).toBe(1000);
  });

  it('is the time left less the margin when that is shorter', () => {
    expect(effectiveTimeout(3000, 6000, 5000, rules)).toBe(800);
  });

  it('is null below the useful minimum, and at or past the deadline', () => {
    expect(effectiveTimeout(3000, 5249, 5000, rules)).toBeNull();
    expect(effectiveTimeout(3000, 5250, 5000, rules)).toBe(50);
    expect(effectiveTimeout(30, 10_000, 5000, rules)).toBeNull();
    expect(effectiveTimeout(3000, 4000, 5000, rules)).toBeNull();
  });
});
