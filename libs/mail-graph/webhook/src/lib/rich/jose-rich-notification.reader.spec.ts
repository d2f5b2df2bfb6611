import {
  constants,
  createCipheriv,
  createHmac,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { GRAPH_NOTIFICATION_PUBLISHER_APP_ID, JoseRichNotificationReader } from './jose-rich-notification.reader';
import { RichContentError, type EncryptedContent } from './rich-notification.reader.port';

const CLIENT_ID = '5f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const OTHER_CLIENT_ID = '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d';
const TENANT = '11111111-2222-4333-8444-555555555555';
const OTHER_TENANT = '99999999-8888-4777-8666-555555555555';

interface CertificateKey {
  readonly certificateId: string;
  readonly thumbprint: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

function certificateKey(certificateId: string): CertificateKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { certificateId, thumbprint: randomBytes(20).toString('hex').toUpperCase(), publicKey, privateKey };
}

/** What Graph does to a resource for `includeResourceData` (Microsoft's documented steps, in reverse). */
function encryptLikeGraph(resource: unknown, certificate: CertificateKey): EncryptedContent {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: publicEncrypt(
      { key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      key,
    ).toString('base64'),
    encryptionCertificateId: certificate.certificateId,
    encryptionCertificateThumbprint: certificate.thumbprint,
  };
}

const MESSAGE = {
  '@odata.type': '#Microsoft.Graph.Message',
  '@odata.etag': 'W/"CQAAABYAAAD"',
  id: 'AAMkAGI2TG93AAA=',
  subject: 'Budget review',
  from: { emailAddress: { name: 'Bob Example', address: 'bob@fabrikam.example' } },
  receivedDateTime: '2025-03-04T10:11:12Z',
  isRead: false,
  parentFolderId: 'AQMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAuAAAD',
  bodyPreview: 'not part of the summary',
};

describe(JoseRichNotificationReader.name, () => {
  const current = certificateKey('mailpush-2025');
  const previous = certificateKey('mailpush-2024');
  let sut: JoseRichNotificationReader;
  let jwks: Server;
  let jwksUrl: string;
  let signingKey: { kid: string; privateKey: CryptoKey };
  let unpublishedKey: CryptoKey;

  const token = (claims: JWTPayload = {}, options: { key?: CryptoKey; expiresIn?: number } = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.expiresIn ?? 3600;
    return new SignJWT({
      aud: CLIENT_ID,
      iss: `https://sts.windows.net/${TENANT}/`,
      appid: GRAPH_NOTIFICATION_PUBLISHER_APP_ID,
      tid: TENANT,
      iat: Math.min(now, now + expiresIn - 60),
      nbf: Math.min(now, now + expiresIn - 60),
      exp: now + expiresIn,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signingKey.kid })
      .sign(options.key ?? signingKey.privateKey);
  };

  const reader = (options: { tenantIds?: readonly string[] } = {}): JoseRichNotificationReader =>
    new JoseRichNotificationReader({
      clientIds: [CLIENT_ID, OTHER_CLIENT_ID],
      jwksUrl,
      decryptionKeys: [current, previous],
      clockToleranceSeconds: 30,
      ...options,
    });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const { kty, n, e } = await exportJWK(pair.publicKey);
    signingKey = { kid: 'graph-key-1', privateKey: pair.privateKey };
    unpublishedKey = (await generateKeyPair('RS256')).privateKey;
    // Like Microsoft's key set: no `alg` on the keys.
    const keySet: { keys: JWK[] } = { keys: [{ kty, n, e, use: 'sig', kid: signingKey.kid }] };
    jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keySet));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/common/discovery/v2.0/keys`;
    sut = reader({ tenantIds: [TENANT.toUpperCase(), OTHER_TENANT] });
  });

  afterAll(async () => {
    await sut.onApplicationShutdown();
    jwks.closeAllConnections();
    await new Promise((resolve) => jwks.close(resolve));
  });

  describe('decrypt', () => {
    it('decrypts and maps the summary fields', () => {
      expect(sut.decrypt(encryptLikeGraph(MESSAGE, current))).toEqual({
        subject: 'Budget review',
        from: { name: 'Bob Example', address: 'bob@fabrikam.example' },
        receivedDateTime: '2025-03-04T10:11:12Z',
        isRead: false,
        parentFolderId: MESSAGE.parentFolderId,
      });
    });

    it('decrypts content for the previous certificate during a rotation', () => {
      expect(sut.decrypt(encryptLikeGraph(MESSAGE, previous))).toMatchObject({ subject: 'Budget review' });
    });

    it('keeps only the fields that were selected and well formed', () => {
      const content = encryptLikeGraph({ id: 'x', subject: 42, isRead: true, receivedDateTime: 'yesterday' }, current);

      expect(sut.decrypt(content)).toEqual({ isRead: true });
    });

    it.each<[string, (content: EncryptedContent) => EncryptedContent, string]>([
      [
        'tampered data',
        (c) => {
          const data = Buffer.from(c.data, 'base64');
          data[0] = (data[0] ?? 0) ^ 1;
          return { ...c, data: data.toString('base64') };
        },
        'dataSignature: does not match the data',
      ],
      [
        'a tampered signature',
        (c) => ({ ...c, dataSignature: randomBytes(32).toString('base64') }),
        'dataSignature: does not match the data',
      ],
      ['a truncated signature', (c) => ({ ...c, dataSignature: 'AAAA' }), 'dataSignature: does not match the data'],
      [
        'an unknown certificate id',
        (c) => ({ ...c, encryptionCertificateId: 'someone-else' }),
        "encryptionCertificateId: no key for certificate 'someone-else'",
      ],
      [
        'another certificate’s thumbprint',
        (c) => ({ ...c, encryptionCertificateThumbprint: previous.thumbprint }),
        'encryptionCertificateThumbprint: does not match',
      ],
      [
        'a key wrapped for another certificate',
        (c) => ({ ...c, dataKey: encryptLikeGraph(MESSAGE, previous).dataKey }),
        "dataKey: cannot be decrypted with certificate 'mailpush-2025'",
      ],
    ])('refuses %s with RichContentError', (_case, tamper, message) => {
      const content = tamper(encryptLikeGraph(MESSAGE, current));

      expect(() => sut.decrypt(content)).toThrow(RichContentError);
      expect(() => sut.decrypt(content)).toThrow(message);
    });

    it('refuses data that is not a JSON object, without echoing it', () => {
      let error: unknown;
      try {
        sut.decrypt(encryptLikeGraph('secret subject', current));
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(RichContentError);
      expect((error as Error).message).toBe('data: is not a JSON object');
    });
  });

  describe('verifyTokens', () => {
    it('accepts tokens for each of our apps from known tenants', async () => {
      const tokens = [
        await token(),
        await token({ aud: OTHER_CLIENT_ID, iss: `https://sts.windows.net/${OTHER_TENANT}/`, tid: OTHER_TENANT }),
      ];

      await expect(sut.verifyTokens(tokens)).resolves.toBe(true);
    });

    it.each<[string, () => Promise<string>]>([
      ['another appid', () => token({ appid: '00000003-0000-0000-c000-000000000000' })],
      ['no appid', () => token({ appid: undefined })],
      ['another audience', () => token({ aud: '7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9' })],
      ['an expired token', () => token({}, { expiresIn: -120 })],
      ['a token not yet valid', () => token({ nbf: Math.floor(Date.now() / 1000) + 600 })],
      [
        'an unknown tenant',
        () => token({ iss: 'https://sts.windows.net/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/', tid: undefined }),
      ],
      ['a v2 issuer', () => token({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0` })],
      ['a tid that is not the issuer’s tenant', () => token({ tid: OTHER_TENANT })],
      ['a signature by an unpublished key', () => token({}, { key: unpublishedKey })],
      ['a token that is not a JWT', () => Promise.resolve('not.a.jwt')],
    ])('refuses %s', async (_case, make) => {
      await expect(sut.verifyTokens([await make()])).resolves.toBe(false);
    });

    it('refuses the POST when one of its tokens is bad', async () => {
      await expect(sut.verifyTokens([await token(), await token({ appid: 'someone-else' })])).resolves.toBe(false);
    });

    it('refuses a POST without tokens', async () => {
      await expect(sut.verifyTokens([])).resolves.toBe(false);
    });

    it('matches app ids configured in upper case', async () => {
      const upper = new JoseRichNotificationReader({
        clientIds: [CLIENT_ID.toUpperCase()],
        jwksUrl,
        decryptionKeys: [current],
      });

      await expect(upper.verifyTokens([await token()])).resolves.toBe(true);
    });

    it('refuses to be configured with a tenant that is not a GUID', () => {
      expect(() => reader({ tenantIds: ['common'] })).toThrow("tenantIds: 'common' is not a tenant GUID");
    });

    it('accepts any tenant when none is configured', async () => {
      const anyTenant = reader();
      const stranger = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

      await expect(
        anyTenant.verifyTokens([await token({ iss: `https://sts.windows.net/${stranger}/`, tid: stranger })]),
      ).resolves.toBe(true);
      await expect(anyTenant.verifyTokens([await token({ iss: 'https://sts.windows.net/common/' })])).resolves.toBe(
        false,
      );
    });
  });
});
