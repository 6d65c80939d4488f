import { maskSecrets } from './mask-secrets';

describe('maskSecrets', () => {
  it('masks every occurrence, URL-encoded ones too', () => {
    expect(maskSecrets('a tok/en b tok/en tok%2Fen', ['tok/en'])).toBe('a *** b *** ***');
  });

  it('masks a longer secret whole when it contains a shorter one', () => {
    expect(maskSecrets('key=abcd1234', ['abcd', 'abcd1234'])).toBe('key=***');
  });

  it('leaves values too short to be secrets alone', () => {
    expect(maskSecrets('status 200', ['2', '20'])).toBe('status 200');
  });
});
