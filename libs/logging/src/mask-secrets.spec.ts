import { maskSecrets } from './mask-secrets';

describe('maskSecrets', () => {
  const key = 'sk-live_4f9a/Zq+7 ü"x';

  it('masks a value as written, every time it occurs', () => {
    expect(maskSecrets(`key ${key} and ${key}.`, [key])).toBe('key [secret] and [secret].');
  });

  it('masks it percent-encoded, in either case of hex, and form-encoded', () => {
    const upper = encodeURIComponent(key);
    const lower = upper.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    const form = new URLSearchParams({ k: key }).toString();
    expect(maskSecrets(`GET /x?k=${upper}`, [key])).toBe('GET /x?k=[secret]');
    expect(maskSecrets(`GET /x?k=${lower}`, [key])).toBe('GET /x?k=[secret]');
    expect(maskSecrets(form, [key])).toBe('k=[secret]');
  });

  it('masks it escaped inside JSON', () => {
    const json = JSON.stringify({ error: `bad key ${key}` });
    expect(maskSecrets(json, [key])).toBe('{"error":"bad key [secret]"}');
  });

  it('masks it in base64, alone or as the password of HTTP Basic, whatever the user', () => {
    const password = 'correct-horse-battery-staple';
    for (const user of ['', 'a', 'ab', 'abc', 'api-user']) {
      const basic = Buffer.from(`${user}:${password}`).toString('base64');
      const masked = maskSecrets(`Authorization: Basic ${basic}`, [password]);
      expect(masked).toContain('[secret]');
      // What is left of the encoding no longer decodes to the password, or to most of it.
      const left = masked.replace('Authorization: Basic ', '').split('[secret]').join('');
      expect(Buffer.from(left, 'base64').toString('latin1')).not.toContain(password.slice(0, 6));
    }
    const alone = Buffer.from(password).toString('base64url');
    expect(maskSecrets(`token=${alone}`, [password])).toMatch(/^token=\[secret\].{0,3}$/);
  });

  it('masks several values, the longer first when one holds another', () => {
    expect(maskSecrets('abc-123 and abc-123-xyz', ['abc-123', 'abc-123-xyz'])).toBe(
      '[secret] and [secret]',
    );
  });

  it('leaves text without the values, and ignores empty values', () => {
    expect(maskSecrets('nothing here', ['sk-other', ''])).toBe('nothing here');
    expect(maskSecrets('nothing here', [])).toBe('nothing here');
  });

  it('does not mask short runs of base64 that ordinary text would match', () => {
    expect(maskSecrets('ab is not a secret here: YWI=', ['pin'])).toBe(
      'ab is not a secret here: YWI=',
    );
  });

  it('treats characters of regular expressions in values as text', () => {
    expect(maskSecrets('a.b a+b (x)', ['a+b', '(x)'])).toBe('a.b [secret] [secret]');
  });
});
