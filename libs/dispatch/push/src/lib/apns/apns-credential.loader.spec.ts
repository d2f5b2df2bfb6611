import { generateKeyPairSync } from 'node:crypto';
import { PushCredentialError } from '../support/push-credential.error';
import { loadApnsCredential } from './apns-credential.loader';

const ecKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
const rsaKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

describe(loadApnsCredential.name, () => {
  it('accepts an ES256 .p8 key with 10-character ids', async () => {
    await expect(loadApnsCredential({ keyPem: ecKeyPem, keyId: 'ABC123DEFG', teamId: 'TEAM123456' })).resolves.toEqual({
      kind: 'apns',
      keyPem: ecKeyPem,
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
    });
  });

  it('accepts a PEM squeezed into one line with \\n escapes', async () => {
    const oneLine = ecKeyPem.trim().replace(/\n/g, '\\n');

    const credential = await loadApnsCredential({ keyPem: oneLine, keyId: 'ABC123DEFG', teamId: 'TEAM123456' });

    expect(credential.keyPem).toBe(ecKeyPem);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a missing key id', { keyId: undefined }, 'keyId', /keyId is required/],
    ['a short key id', { keyId: 'ABC' }, 'keyId', /keyId must be 10 upper-case letters or digits.*got 3/],
    ['a missing team id', { teamId: '' }, 'teamId', /teamId is required/],
    ['a lower-case team id', { teamId: 'team123456' }, 'teamId', /teamId must be 10/],
    ['a missing key', { keyPem: undefined }, 'keyPem', /keyPem is required/],
    [
      'a certificate instead of a key',
      { keyPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
      'keyPem',
      /PKCS#8 PEM/,
    ],
    ['an RSA key', { keyPem: rsaKeyPem }, 'keyPem', /not an ES256/],
  ])('refuses %s, naming the field', async (_what, override, field, message) => {
    const input = { keyPem: ecKeyPem, keyId: 'ABC123DEFG', teamId: 'TEAM123456', ...override };

    const error = await loadApnsCredential(input).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PushCredentialError);
    expect(error).toMatchObject({ field, message: expect.stringMatching(message) });
  });
});
