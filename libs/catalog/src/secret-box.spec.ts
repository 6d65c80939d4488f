import { createHash, randomBytes } from 'node:crypto';
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

describe('SecretBox.fingerprint', () => {
  const box = new SecretBox(randomBytes(32));

  it('is the same for the same value, and differs for another value', () => {
    expect(box.fingerprint('sk-live-123')).toBe(box.fingerprint('sk-live-123'));
    expect(box.fingerprint('sk-live-123')).not.toBe(box.fingerprint('sk-live-124'));
    expect(box.fingerprint('sk-live-123')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('is keyed: no plain hash of the value, and another key gives another mark', () => {
    const value = 'sk-live-123';
    const plain = createHash('sha256').update(value).digest('hex');
    expect(plain).not.toContain(box.fingerprint(value));
    expect(new SecretBox(randomBytes(32)).fingerprint(value)).not.toBe(box.fingerprint(value));
    expect(box.fingerprint(value)).not.toContain('123');
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
