import { nestingDepth } from './fastify-setup';

describe('nestingDepth', () => {
  it('counts objects and arrays; scalars are depth 0', () => {
    expect(nestingDepth('x', 32)).toBe(0);
    expect(nestingDepth({}, 32)).toBe(1);
    expect(nestingDepth({ a: [1, { b: null }] }, 32)).toBe(3);
  });

  it('stops counting past the limit, without recursing', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(nestingDepth(deep, 32)).toBe(33);
  });
});
