import { eventVariables, MAX_EVENT_DATA_KEYS, MAX_EVENT_VALUE_LENGTH } from './event-data';

describe('eventVariables', () => {
  it('turns flat scalars into text, and no data into no variables', () => {
    expect(eventVariables({ order: 7, id: 'A-1', paid: true, note: '' })).toEqual({
      variables: { order: '7', id: 'A-1', paid: 'true', note: '' },
    });
    expect(eventVariables(undefined)).toEqual({ variables: {} });
  });

  it('refuses nested values, arrays and null, naming the first offending key', () => {
    expect(eventVariables({ ok: 1, nested: { a: 1 }, list: [1] })).toEqual({
      refused: 'data.nested must be a string, a number or a boolean',
    });
    expect(eventVariables({ list: [1] })).toEqual({
      refused: 'data.list must be a string, a number or a boolean',
    });
    expect(eventVariables({ gone: null })).toEqual({
      refused: 'data.gone must be a string, a number or a boolean',
    });
  });

  it(`accepts ${MAX_EVENT_DATA_KEYS} keys and refuses one more`, () => {
    const keys = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(eventVariables(keys(MAX_EVENT_DATA_KEYS))).toHaveProperty('variables.k49', '49');
    expect(eventVariables(keys(MAX_EVENT_DATA_KEYS + 1))).toEqual({
      refused: 'data may have at most 50 keys',
    });
  });

  it(`accepts values of ${MAX_EVENT_VALUE_LENGTH} characters and refuses longer ones`, () => {
    const longest = 'x'.repeat(MAX_EVENT_VALUE_LENGTH);
    expect(eventVariables({ text: longest })).toEqual({ variables: { text: longest } });
    expect(eventVariables({ text: `${longest}x` })).toEqual({
      refused: 'data.text is longer than 4096 characters',
    });
  });
});
