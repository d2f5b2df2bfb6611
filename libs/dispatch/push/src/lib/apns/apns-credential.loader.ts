import { importPKCS8 } from 'jose';
import type { ApnsCredential } from '../port/push-credential';
import { normalizePem } from '../support/normalize-pem';
import { PushCredentialError } from '../support/push-credential.error';

export interface ApnsKeyInput {
  /** The `.p8` file's content (PKCS#8 PEM). */
  readonly keyPem: unknown;
  readonly keyId: unknown;
  readonly teamId: unknown;
}

const APPLE_ID = /^[A-Z0-9]{10}$/;

/**
 * Validates an APNs token-auth key before anything is sent with it: the PEM must be an ES256 (P-256) PKCS#8 key,
 * as Apple issues them, and the key and team ids the 10-character ids shown in the developer account. Throws a
 * `PushCredentialError` naming the field.
 */
export async function loadApnsCredential(input: ApnsKeyInput): Promise<ApnsCredential> {
  const keyId = appleId(input.keyId, 'keyId', 'key id (Certificates, Identifiers & Profiles > Keys)');
  const teamId = appleId(input.teamId, 'teamId', 'team id (Membership details)');
  if (typeof input.keyPem !== 'string' || input.keyPem.trim() === '') {
    throw new PushCredentialError('keyPem', 'APNs credential: keyPem is required (the content of the .p8 key file)');
  }
  const keyPem = normalizePem(input.keyPem);
  if (!keyPem.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new PushCredentialError(
      'keyPem',
      'APNs credential: keyPem must be a PKCS#8 PEM starting with "-----BEGIN PRIVATE KEY-----" (the .p8 file)',
    );
  }
  try {
    await importPKCS8(keyPem, 'ES256');
  } catch (error) {
    throw new PushCredentialError(
      'keyPem',
      `APNs credential: keyPem is not an ES256 (P-256) private key: ${(error as Error).message}`,
    );
  }
  return { kind: 'apns', keyPem, keyId, teamId };
}

function appleId(value: unknown, field: string, what: string): string {
  const id = typeof value === 'string' ? value.trim() : undefined;
  if (!id) throw new PushCredentialError(field, `APNs credential: ${field} is required (the 10-character ${what})`);
  if (!APPLE_ID.test(id)) {
    throw new PushCredentialError(
      field,
      `APNs credential: ${field} must be 10 upper-case letters or digits (the ${what}), got ${id.length} characters`,
    );
  }
  return id;
}
