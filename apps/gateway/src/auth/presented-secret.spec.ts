import { presentedSecret } from './presented-secret';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('presentedSecret', () => {
  it('reads a Bearer token and a Basic password, ignoring the user name', () => {
    expect(presentedSecret('Bearer abc', ['bearer'])).toBe('abc');
    expect(presentedSecret('bearer abc ', ['bearer'])).toBe('abc');
    expect(presentedSecret(basic('admin:p:w'), ['basic'])).toBe('p:w');
    expect(presentedSecret(basic(':tok'), ['bearer', 'basic'])).toBe('tok');
  });

  it('refuses missing, malformed and unaccepted schemes', () => {
    expect(presentedSecret(undefined, ['bearer', 'basic'])).toBeNull();
    expect(presentedSecret('Bearer', ['bearer'])).toBeNull();
    expect(presentedSecret('Bearer a b', ['bearer'])).toBeNull();
    expect(presentedSecret('Bearer abc', ['basic'])).toBeNull();
    expect(presentedSecret(basic('no-colon'), ['basic'])).toBeNull();
    expect(presentedSecret('Digest x', ['bearer', 'basic'])).toBeNull();
  });
});
