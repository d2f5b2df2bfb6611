import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** A private key that decrypts `encryptedContent` naming `certificateId`. */
export interface DecryptionKey {
  readonly certificateId: string;
  readonly privateKey: KeyObject;
  /** SHA-1 of the DER certificate (hex); when set, a notification naming another thumbprint is refused. */
  readonly thumbprint?: string;
}

/** The certificate Graph encrypts rich notifications for: what a subscription names, and the key to read them. */
export interface EncryptionCertificate extends DecryptionKey {
  /** Base64 DER of the public certificate: the subscription's `encryptionCertificate`. */
  readonly certificate: string;
  /** `sha256-` and the SHA-256 of the DER certificate (hex): stable, 71 characters, the `encryptionCertificateId`. */
  readonly certificateId: string;
  /** SHA-1 of the DER certificate, upper-case hex, as Graph sends it in `encryptionCertificateThumbprint`. */
  readonly thumbprint: string;
  readonly notAfter: Date;
}

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 4096;

/** Reads the certificate and its private key (PEM files); errors name the file at fault. */
export async function loadEncryptionCertificate(certPath: string, keyPath: string): Promise<EncryptionCertificate> {
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new Error(`${path}: cannot read the ${what} (${code})`);
    }
  };
  const [certPem, keyPem] = await Promise.all([
    read(certPath, 'encryption certificate'),
    read(keyPath, 'encryption private key'),
  ]);
  return encryptionCertificateFromPem(certPem, keyPem, { certificate: certPath, key: keyPath });
}

/**
 * The certificate (PEM; the first one of a chain) and its private key (PEM, PKCS#8 or PKCS#1, unencrypted).
 * Graph accepts RSA keys of 2,048 to 4,096 bits; the key must belong to the certificate. `sources` name the
 * inputs in errors (file paths when read from files).
 */
export function encryptionCertificateFromPem(
  certPem: string,
  keyPem: string,
  sources: { readonly certificate: string; readonly key: string } = {
    certificate: 'encryption certificate',
    key: 'encryption private key',
  },
): EncryptionCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new Error(`${sources.certificate}: not an X.509 certificate in PEM`);
  }
  const { publicKey } = x509;
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (publicKey.asymmetricKeyType !== 'rsa' || bits === undefined) {
    throw new Error(
      `${sources.certificate}: the certificate's key must be RSA (got ${publicKey.asymmetricKeyType ?? 'unknown'})`,
    );
  }
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    throw new Error(
      `${sources.certificate}: the RSA key must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits (got ${bits})`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new Error(`${sources.key}: not an unencrypted private key in PEM (PKCS#8 or PKCS#1)`);
  }
  if (!belongsTo(x509, privateKey)) {
    throw new Error(`${sources.key}: the private key does not belong to ${sources.certificate}`);
  }
  const der = x509.raw;
  return {
    certificate: der.toString('base64'),
    certificateId: `sha256-${createHash('sha256').update(der).digest('hex')}`,
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    privateKey,
    notAfter: new Date(x509.validTo),
  };
}

function belongsTo(x509: X509Certificate, privateKey: KeyObject): boolean {
  try {
    return x509.checkPrivateKey(privateKey);
  } catch {
    return false;
  }
}
