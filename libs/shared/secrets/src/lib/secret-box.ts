import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SecretsError } from './secrets.error';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

/** Short, non-reversible key fingerprint stored with each value, so a rotated key can still be found. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

function toKey(base64: string): Key {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== KEY_BYTES)
    throw new SecretsError(`a secrets key must be ${KEY_BYTES} bytes, got ${bytes.length}`);
  return { id: keyId(bytes), bytes };
}

/**
 * Encrypts credentials at rest with AES-256-GCM.
 *
 * A sealed value reads `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The `context` (for example
 * `mail_connection:<id>:credentials`) is bound as additional authenticated data, so a ciphertext copied into
 * another row or column fails to open instead of silently decrypting there.
 */
export class SecretBox {
  private readonly current: Key;
  private readonly byId: ReadonlyMap<string, Key>;

  /**
   * @param currentKey base64 of 32 bytes; new values are sealed with it.
   * @param previousKeys base64 keys that can still open older values during a rotation.
   */
  constructor(currentKey: string, previousKeys: readonly string[] = []) {
    this.current = toKey(currentKey);
    const keys = [this.current, ...previousKeys.map(toKey)];
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    const [version, id, iv, tag, ciphertext] = parts;
    if (
      parts.length !== 5 ||
      version !== VERSION ||
      id === undefined ||
      iv === undefined ||
      tag === undefined ||
      ciphertext === undefined
    ) {
      throw new SecretsError('not a sealed value of this format');
    }
    const key = this.byId.get(id);
    if (key === undefined)
      throw new SecretsError(`sealed with key ${id}, which is neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS`);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
      throw new SecretsError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, ivBytes);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretsError('sealed value failed authentication (tampered, or opened in the wrong context)');
    }
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }
}
