import 'reflect-metadata';
import { createHash, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A self-signed RSA certificate a subscriber hands Graph as `encryptionCertificate`, with its private key. */
export interface EncryptionCertificate {
  /** Base64 DER: the `encryptionCertificate` of a subscription. */
  readonly certificate: string;
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  /** SHA-1 of the DER, upper-case hex, as Graph's `encryptionCertificateThumbprint`. */
  readonly thumbprint: string;
}

export interface EncryptionCertificateOptions {
  /** RSA modulus length; default 2048 (Graph accepts 2,048 to 4,096). */
  readonly modulusLength?: number;
  /** Default `mailpush sandbox notifications`. */
  readonly commonName?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Makes a self-signed RSA certificate for rich notifications (Graph accepts self-signed ones). For tests. */
export async function createEncryptionCertificate(
  options: EncryptionCertificateOptions = {},
): Promise<EncryptionCertificate> {
  x509.cryptoProvider.set(webcrypto);
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: options.modulusLength ?? 2048,
  };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${options.commonName ?? 'mailpush sandbox notifications'}`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: algorithm,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true)],
  });
  const der = Buffer.from(certificate.rawData);
  return {
    certificate: der.toString('base64'),
    certPem: certificate.toString('pem'),
    keyPem: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
  };
}
