import { prototypeKey } from './strict-validation.pipe';

describe('prototypeKey', () => {
  it('finds keys named like Object.prototype members, at any depth', () => {
    expect(prototypeKey({ toString: 'x' })).toBe('toString');
    expect(prototypeKey({ webim: { valueOf: 1 } })).toBe('valueOf');
    expect(prototypeKey({ list: [{ constructor: {} }] })).toBe('constructor');
  });

  it('passes ordinary bodies', () => {
    expect(prototypeKey({ name: 'x', webim: { password: 'p' }, tags: ['a'] })).toBeNull();
  });
});
