import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** Reads SECRETS_KEY: 32 bytes written as 64 hex digits or as base64. */
export function parseSecretsKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : null;
}

/**
 * Secrets at rest (Webim passwords, stored API keys), sealed with AES-256-GCM. The record id is the associated
 * data, so a sealed value copied into another record does not open there. The format carries a
 * version so that the scheme (or the key) can change without guessing at old values.
 */
export class SecretBox {
  private readonly fingerprintKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('A SecretBox key is 32 bytes');
    this.fingerprintKey = Buffer.from(hkdfSync('sha256', key, '', 'wg secret fingerprint', 32));
  }

  /**
   * A short mark of a secret's value, for an admin to see whether a value changed or two
   * secrets hold the same one. Keyed (an HMAC under a key derived from this box's): a plain hash
   * of a short or guessable value could be reversed by trying candidates, and the last
   * characters of a value are part of it. 48 bits: enough to tell values apart, not to find one.
   */
  fingerprint(plaintext: string): string {
    return createHmac('sha256', this.fingerprintKey)
      .update(plaintext, 'utf8')
      .digest('hex')
      .slice(0, 12);
  }

  seal(plaintext: string, recordId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(recordId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plaintext; throws if the value was tampered with, sealed for another record or key. */
  open(sealed: string, recordId: string): string {
    const [version, payload] = sealed.split('.');
    if (version !== VERSION || !payload) throw new Error('Not a sealed secret');
    const raw = Buffer.from(payload, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('Not a sealed secret');
    const decipher = createDecipheriv(ALGORITHM, this.key, raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(recordId, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const body = raw.subarray(IV_BYTES + TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
