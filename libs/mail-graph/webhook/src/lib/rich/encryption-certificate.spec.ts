import 'reflect-metadata';
import {
  constants,
  generateKeyPairSync,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { encryptionCertificateFromPem, loadEncryptionCertificate } from './encryption-certificate';

type KeyAlgorithm = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;

const RSA = (modulusLength: number): webcrypto.RsaHashedKeyGenParams => ({
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength,
});

/** A self-signed certificate and its PKCS#8 key, both PEM. */
async function selfSigned(algorithm: KeyAlgorithm): Promise<{ certPem: string; keyPem: string }> {
  x509.cryptoProvider.set(webcrypto);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=mailpush notifications test',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: 'hash' in algorithm ? algorithm : { ...algorithm, hash: 'SHA-256' },
    keys,
  });
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem: certificate.toString('pem'), keyPem };
}

describe(loadEncryptionCertificate.name, () => {
  let dir: string;
  let rsa: { certPem: string; keyPem: string };

  const files = async (certPem: string, keyPem: string): Promise<[string, string]> => {
    const name = randomBytes(4).toString('hex');
    const certPath = join(dir, `${name}.crt.pem`);
    const keyPath = join(dir, `${name}.key.pem`);
    await Promise.all([writeFile(certPath, certPem), writeFile(keyPath, keyPem)]);
    return [certPath, keyPath];
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'encryption-certificate-'));
    rsa = await selfSigned(RSA(2048));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the base64 DER certificate, a stable id, the SHA-1 thumbprint and the matching private key', async () => {
    const sut = await loadEncryptionCertificate(...(await files(rsa.certPem, rsa.keyPem)));

    const parsed = new X509Certificate(rsa.certPem);
    expect(sut.certificate).toBe(parsed.raw.toString('base64'));
    expect(sut.thumbprint).toBe(parsed.fingerprint.replaceAll(':', ''));
    expect(sut.certificateId).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(sut.certificateId.length).toBeLessThanOrEqual(128);
    expect(encryptionCertificateFromPem(rsa.certPem, rsa.keyPem).certificateId).toBe(sut.certificateId);
    expect(sut.notAfter.getTime()).toBeGreaterThan(Date.now());
    const secret = randomBytes(32);
    const wrapped = publicEncrypt(
      { key: parsed.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      secret,
    );
    expect(
      privateDecrypt({ key: sut.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped),
    ).toEqual(secret);
  });

  it('gives different ids to different certificates', async () => {
    const other = await selfSigned(RSA(2048));

    expect(encryptionCertificateFromPem(other.certPem, other.keyPem).certificateId).not.toBe(
      encryptionCertificateFromPem(rsa.certPem, rsa.keyPem).certificateId,
    );
  });

  it('names the certificate file when it holds no certificate', async () => {
    const [certPath, keyPath] = await files('not a certificate', rsa.keyPem);

    await expect(loadEncryptionCertificate(certPath, keyPath)).rejects.toThrow(
      `${certPath}: not an X.509 certificate in PEM`,
    );
  });

  it('names the certificate file when its key is not RSA', async () => {
    const ec = await selfSigned({ name: 'ECDSA', namedCurve: 'P-256' });
    const [certPath, keyPath] = await files(ec.certPem, ec.keyPem);

    await expect(loadEncryptionCertificate(certPath, keyPath)).rejects.toThrow(
      `${certPath}: the certificate's key must be RSA (got ec)`,
    );
  });

  it('names the certificate file when the RSA key is shorter than 2048 bits', async () => {
    const weak = await selfSigned(RSA(1024));
    const [certPath, keyPath] = await files(weak.certPem, weak.keyPem);

    await expect(loadEncryptionCertificate(certPath, keyPath)).rejects.toThrow(
      `${certPath}: the RSA key must have 2048 to 4096 bits (got 1024)`,
    );
  });

  it('names the key file when the key belongs to another certificate', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [certPath, keyPath] = await files(
      rsa.certPem,
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    );

    await expect(loadEncryptionCertificate(certPath, keyPath)).rejects.toThrow(
      `${keyPath}: the private key does not belong to ${certPath}`,
    );
  });

  it('names the key file when it holds no private key', async () => {
    const [certPath, keyPath] = await files(rsa.certPem, rsa.certPem);

    await expect(loadEncryptionCertificate(certPath, keyPath)).rejects.toThrow(
      `${keyPath}: not an unencrypted private key in PEM`,
    );
  });

  it('names a file that cannot be read', async () => {
    const [certPath] = await files(rsa.certPem, rsa.keyPem);
    const missing = join(dir, 'missing.key.pem');

    await expect(loadEncryptionCertificate(certPath, missing)).rejects.toThrow(
      `${missing}: cannot read the encryption private key (ENOENT)`,
    );
  });
});
