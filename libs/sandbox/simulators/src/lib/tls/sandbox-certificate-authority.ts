import 'reflect-metadata';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

/** A server certificate and its PKCS#8 key, both PEM, ready for `tls.createSecureContext`. */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Names every simulator certificate answers to: loopback, the container name the sandbox runs under in
 * compose, and the real providers' hosts, so that a client pinned to Apple's or Google's name (with the
 * sandbox CA trusted and the name resolved to the simulator) verifies TLS exactly as in production.
 */
export const SIMULATOR_SERVER_NAMES: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'sandbox',
  'api.push.apple.com',
  'api.sandbox.push.apple.com',
  'api.development.push.apple.com',
  'fcm.googleapis.com',
  'oauth2.googleapis.com',
];

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A throwaway certificate authority for the simulators: its certificate is what clients trust (`ca`), so
 * TLS is verified for real, never switched off. Keys live in memory only; a new CA is made per start.
 */
export class SandboxCertificateAuthority {
  private constructor(
    private readonly certificate: x509.X509Certificate,
    private readonly keys: webcrypto.CryptoKeyPair,
    /** The CA certificate (PEM) that clients pass as `ca`. */
    readonly caPem: string,
  ) {}

  static async create(): Promise<SandboxCertificateAuthority> {
    x509.cryptoProvider.set(webcrypto);
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: `CN=mailpush sandbox CA ${randomBytes(4).toString('hex')}, O=mailpush sandbox (never for production)`,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new SandboxCertificateAuthority(certificate, keys, certificate.toString('pem'));
  }

  /** A server certificate for `hostnames`; entries that are IP addresses become IP subject alternative names. */
  async issue(hostnames: readonly string[]): Promise<IssuedCertificate> {
    if (hostnames.length === 0) throw new Error('hostnames: at least one name is required');
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const now = Date.now();
    const names = [...new Set(hostnames)].map(
      (name): x509.JsonGeneralName => ({ type: isIP(name) === 0 ? 'dns' : 'ip', value: name }),
    );
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: `CN=${hostnames[0] ?? 'localhost'}`,
      issuer: this.certificate.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 90 * DAY_MS),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
    return { certPem: certificate.toString('pem'), keyPem };
  }
}

/** A positive 128-bit serial (high bit clear, so DER does not read it as negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
