import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';
import { SecretsError } from './secrets.error';

const newKey = (): string => randomBytes(32).toString('base64');

describe(SecretBox.name, () => {
  const context = 'mail_connection:42:credentials';

  it('opens what it sealed, and the sealed form does not contain the plaintext', () => {
    const sut = new SecretBox(newKey());

    const sealed = sut.seal('{"password":"hunter2"}', context);

    expect(sealed).not.toContain('hunter2');
    expect(sealed.startsWith(`v1.${sut.currentKeyId}.`)).toBe(true);
    expect(sut.open(sealed, context)).toBe('{"password":"hunter2"}');
  });

  it('seals the same plaintext differently each time (fresh IV)', () => {
    const sut = new SecretBox(newKey());
    expect(sut.seal('x', context)).not.toBe(sut.seal('x', context));
  });

  it('refuses a value opened in another context (copied to another row)', () => {
    const sut = new SecretBox(newKey());
    const sealed = sut.seal('secret', context);
    expect(() => sut.open(sealed, 'mail_connection:43:credentials')).toThrow(SecretsError);
  });

  it('refuses a tampered value', () => {
    const sut = new SecretBox(newKey());
    const parts = sut.seal('secret value', context).split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => sut.open(parts.join('.'), context)).toThrow(/failed authentication/);
  });

  it('opens values sealed with a previous key during rotation, and flags them for re-sealing', () => {
    const oldKey = newKey();
    const sealedWithOld = new SecretBox(oldKey).seal('secret', context);

    const sut = new SecretBox(newKey(), [oldKey]);

    expect(sut.open(sealedWithOld, context)).toBe('secret');
    expect(sut.needsRotation(sealedWithOld)).toBe(true);
    expect(sut.needsRotation(sut.seal('secret', context))).toBe(false);
  });

  it('names the missing key when a value was sealed with an unknown one', () => {
    const sealed = new SecretBox(newKey()).seal('secret', context);
    expect(() => new SecretBox(newKey()).open(sealed, context)).toThrow(
      /neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS/,
    );
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/must be 32 bytes/);
  });
});
