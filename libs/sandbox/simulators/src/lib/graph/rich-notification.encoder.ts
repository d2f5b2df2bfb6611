import { constants, createCipheriv, createHmac, publicEncrypt, randomBytes } from 'node:crypto';
import type { ResourceDataEncryption } from './rich-subscription.check';

/** `encryptedContent` of a change notification item with resource data. */
export interface EncryptedContent {
  readonly data: string;
  readonly dataSignature: string;
  readonly dataKey: string;
  readonly encryptionCertificateId: string;
  readonly encryptionCertificateThumbprint: string;
}

/**
 * Encrypts a resource the way Graph does for `includeResourceData`: a fresh 32-byte key; the JSON in AES-256-CBC
 * with PKCS7 padding and the key's first 16 bytes as IV; HMAC-SHA256 of the ciphertext under the same key; the
 * key itself RSA-OAEP (SHA-1) encrypted with the subscription's certificate.
 */
export function encryptResourceData(
  resource: Readonly<Record<string, unknown>>,
  encryption: Pick<ResourceDataEncryption, 'publicKey' | 'certificateId' | 'thumbprint'>,
): EncryptedContent {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  const dataKey = publicEncrypt(
    { key: encryption.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  );
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: dataKey.toString('base64'),
    encryptionCertificateId: encryption.certificateId,
    encryptionCertificateThumbprint: encryption.thumbprint,
  };
}
