import { asVariable, MAX_SAVED_CHARS, parsePath, readPath } from './json-path';

describe('parsePath', () => {
  it('reads names and indexes', () => {
    expect(parsePath('body')).toEqual(['body']);
    expect(parsePath('body.order.status')).toEqual(['body', 'order', 'status']);
    expect(parsePath('body.items[0].name')).toEqual(['body', 'items', 0, 'name']);
    expect(parsePath('body[2][10]')).toEqual(['body', 2, 10]);
    expect(parsePath('body.x-y_z')).toEqual(['body', 'x-y_z']);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '.a', 'a.', 'a..b', 'a[-1]', 'a[01]', 'a[x]', 'a[0', 'a b', '1a', 'a()'])
      expect(parsePath(bad)).toBeUndefined();
  });
});

describe('readPath', () => {
  const body = { order: { status: 'shipped', lines: [{ name: 'Tea' }, null] }, n: 0 };

  it('follows own properties and array indexes', () => {
    expect(readPath(body, ['order', 'status'])).toBe('shipped');
    expect(readPath(body, ['order', 'lines', 0, 'name'])).toBe('Tea');
    expect(readPath(body, ['n'])).toBe(0);
    expect(readPath(body, [])).toBe(body);
  });

  it('gives undefined for what is missing or of another shape, and never reads a prototype', () => {
    expect(readPath(body, ['order', 'lines', 5])).toBeUndefined();
    expect(readPath(body, ['order', 'lines', 1, 'name'])).toBeUndefined();
    expect(readPath(body, ['order', 0])).toBeUndefined();
    expect(readPath(body, ['order', 'lines', 'length'])).toBeUndefined();
    expect(readPath(body, ['constructor'])).toBeUndefined();
    expect(readPath(body, ['__proto__'])).toBeUndefined();
    expect(readPath('text', ['length'])).toBeUndefined();
    expect(readPath(undefined, ['a'])).toBeUndefined();
  });
});

describe('asVariable', () => {
  it('keeps text, writes numbers and booleans as text, the rest as JSON, within a cap', () => {
    expect(asVariable('a')).toBe('a');
    expect(asVariable(12.5)).toBe('12.5');
    expect(asVariable(false)).toBe('false');
    expect(asVariable(null)).toBe('');
    expect(asVariable(undefined)).toBe('');
    expect(asVariable({ a: [1] })).toBe('{"a":[1]}');
    expect(asVariable('x'.repeat(MAX_SAVED_CHARS + 10))).toHaveLength(MAX_SAVED_CHARS);
  });
});
