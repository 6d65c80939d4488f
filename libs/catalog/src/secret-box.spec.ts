import { randomBytes } from 'node:crypto';
import { parseSecretsKey, SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, for the same record', () => {
    const sealed = box.seal('p@ssw0rd ☃', 'channel-1');
    expect(sealed).not.toContain('p@ssw0rd');
    expect(box.open(sealed, 'channel-1')).toBe('p@ssw0rd ☃');
  });

  it('seals the same secret differently each time (random IV)', () => {
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('refuses a value sealed for another record, with another key, or tampered with', () => {
    const sealed = box.seal('secret', 'channel-1');
    expect(() => box.open(sealed, 'channel-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'channel-1')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`v1.${raw.toString('base64url')}`, 'channel-1')).toThrow();
    expect(() => box.open('plain', 'channel-1')).toThrow('Not a sealed secret');
  });
});

describe('parseSecretsKey', () => {
  it('reads 64 hex digits or base64 of 32 bytes', () => {
    const key = randomBytes(32);
    expect(parseSecretsKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretsKey(key.toString('base64'))).toEqual(key);
  });

  it('refuses other lengths', () => {
    expect(parseSecretsKey('short')).toBeNull();
    expect(parseSecretsKey(randomBytes(16).toString('hex'))).toBeNull();
  });
});
