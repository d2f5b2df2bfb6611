import { constants, createDecipheriv, createHmac, privateDecrypt, X509Certificate } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { SandboxCertificateAuthority } from '../tls/sandbox-certificate-authority';
import { createEncryptionCertificate, type EncryptionCertificate } from './encryption-certificate';
import { GraphSimulator } from './graph-simulator';
import { GraphTestWebhook as Webhook } from './test-webhook';
import type { NotificationPost } from './graph-records';
import type { EncryptedContent } from './rich-notification.encoder';
import { GRAPH_CHANGE_NOTIFICATION_PUBLISHER_ID } from './validation-token.issuer';

/** What the subscriber does with `encryptedContent`, written out with node:crypto as Microsoft documents it. */
function decrypt(content: EncryptedContent, keyPem: string): Record<string, unknown> {
  const key = privateDecrypt(
    { key: keyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(content.dataKey, 'base64'),
  );
  const data = Buffer.from(content.data, 'base64');
  expect(createHmac('sha256', key).update(data).digest('base64')).toBe(content.dataSignature);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')) as Record<
    string,
    unknown
  >;
}

const TENANT = '3f0c2f4e-5b7a-4d61-9a43-1c2d3e4f5a6b';
const OTHER_TENANT = 'c1d2e3f4-0a1b-4c2d-8e3f-556677889900';
const CLIENT_ID = '2d4b6c8e-1f3a-4b5c-9d7e-0a1b2c3d4e5f';
const OTHER_CLIENT_ID = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const SELECT = 'subject,from,receivedDateTime,isRead,parentFolderId';

describe(`${GraphSimulator.name} rich notifications`, () => {
  let sut: GraphSimulator;
  let webhook: Webhook;
  let certificate: EncryptionCertificate;
  let token: string;
  let alice: { id: string; userPrincipalName: string };

  const accessToken = async (tenantId: string, clientId: string): Promise<string> => {
    const response = await fetch(`${sut.url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: `secret-of-${clientId}`,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }).toString(),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  const graph = (path: string, init: RequestInit & { bearer?: string } = {}): Promise<Response> =>
    fetch(`${sut.graphBaseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${init.bearer ?? token}`, 'content-type': 'application/json' },
    });

  const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

  const richSubscription = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    changeType: 'created,updated',
    notificationUrl: webhook.url('/notificationClient'),
    resource: `users/${alice.id}/mailFolders('inbox')/messages?$select=${SELECT}`,
    expirationDateTime: inMinutes(1440),
    clientState: 'client-state-secret',
    includeResourceData: true,
    encryptionCertificate: certificate.certificate,
    encryptionCertificateId: 'mailpush-2025',
    ...overrides,
  });

  const subscribe = (body: Record<string, unknown>, bearer?: string): Promise<Response> =>
    graph('/subscriptions', {
      method: 'POST',
      body: JSON.stringify(body),
      ...(bearer === undefined ? {} : { bearer }),
    });

  const errorOf = async (response: Response): Promise<{ status: number; code: string; message: string }> => {
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, ...error };
  };

  const encryptedContent = (post: NotificationPost | undefined, index = 0): EncryptedContent =>
    post?.body.value[index]?.['encryptedContent'] as EncryptedContent;

  beforeAll(async () => {
    sut = await GraphSimulator.start({ tenantId: TENANT, retryDelaysMs: [5] });
    webhook = await Webhook.start();
    certificate = await createEncryptionCertificate();
    sut.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: `secret-of-${CLIENT_ID}` });
    sut.registerApp({
      tenantId: OTHER_TENANT,
      clientId: OTHER_CLIENT_ID,
      clientSecret: `secret-of-${OTHER_CLIENT_ID}`,
    });
    token = await accessToken(TENANT, CLIENT_ID);
  });

  beforeEach(() => {
    sut.reset();
    alice = sut.addMailbox(`alice-${Math.random().toString(36).slice(2)}@contoso.example`);
  });

  afterAll(async () => {
    await sut.close();
    await webhook.close();
  });

  it('creates the subscription with its certificate and posts the selected properties encrypted for it', async () => {
    const created = await subscribe(richSubscription());
    expect(created.status).toBe(201);
    await expect(created.json()).resolves.toMatchObject({
      includeResourceData: true,
      encryptionCertificate: certificate.certificate,
      encryptionCertificateId: 'mailpush-2025',
    });

    const message = sut.deliverMail(alice.id, {
      subject: 'Quarterly numbers ✓',
      from: { name: 'Bob Example', address: 'bob@fabrikam.example' },
      bodyPreview: 'not selected, never sent',
    });
    const [post] = await sut.waitForNotificationPosts(1);

    const content = encryptedContent(post);
    expect(content).toMatchObject({
      encryptionCertificateId: 'mailpush-2025',
      encryptionCertificateThumbprint: new X509Certificate(certificate.certPem).fingerprint.replaceAll(':', ''),
    });
    const resource = decrypt(content, certificate.keyPem);
    expect(resource).toMatchObject({
      id: message.id,
      '@odata.etag': message['@odata.etag'],
      subject: 'Quarterly numbers ✓',
      from: { emailAddress: { name: 'Bob Example', address: 'bob@fabrikam.example' } },
      receivedDateTime: message.receivedDateTime,
      isRead: false,
      parentFolderId: message.parentFolderId,
    });
    expect(resource).not.toHaveProperty('bodyPreview');
    expect(post?.body.value[0]).toMatchObject({ resourceData: { id: message.id }, clientState: 'client-state-secret' });
  });

  it('signs one validation token per app and tenant of the POST, verifiable with the served JWKS', async () => {
    const otherToken = await accessToken(OTHER_TENANT, OTHER_CLIENT_ID);
    expect((await subscribe(richSubscription())).status).toBe(201);
    expect((await subscribe(richSubscription(), otherToken)).status).toBe(201);
    expect((await subscribe(richSubscription({ encryptionCertificateId: 'second' }))).status).toBe(201);

    sut.deliverMail(alice.id, { subject: 'Hello', from: { name: 'Bob', address: 'bob@fabrikam.example' } });
    const [post] = await sut.waitForNotificationPosts(1);

    expect(post?.body.value).toHaveLength(3);
    const tokens = post?.body.validationTokens ?? [];
    expect(tokens).toHaveLength(2);
    const keys = createRemoteJWKSet(new URL(`${sut.url}/common/discovery/v2.0/keys`));
    const claims = await Promise.all(
      tokens.map(async (jwt) => (await jwtVerify(jwt, keys, { algorithms: ['RS256'] })).payload),
    );
    expect(claims).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          aud: CLIENT_ID,
          iss: `https://sts.windows.net/${TENANT}/`,
          tid: TENANT,
          appid: GRAPH_CHANGE_NOTIFICATION_PUBLISHER_ID,
        }),
        expect.objectContaining({
          aud: OTHER_CLIENT_ID,
          iss: `https://sts.windows.net/${OTHER_TENANT}/`,
          tid: OTHER_TENANT,
          appid: GRAPH_CHANGE_NOTIFICATION_PUBLISHER_ID,
        }),
      ]),
    );
    for (const { iat, nbf, exp } of claims) {
      expect(nbf).toBe(iat);
      expect((exp ?? 0) - (iat ?? 0)).toBe(3600);
    }
    expect(decodeProtectedHeader(tokens[0] ?? '')).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
  });

  it('points both OpenID configurations at the signing keys', async () => {
    const v2 = (await (await fetch(`${sut.url}/common/v2.0/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    const v1 = (await (await fetch(`${sut.url}/common/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
      issuer: string;
    };

    expect(v2.jwks_uri).toBe(`${sut.url}/common/discovery/v2.0/keys`);
    expect(v1.issuer).toBe('https://sts.windows.net/{tenantid}/');
    const [fromV1, fromV2] = await Promise.all(
      [v1.jwks_uri, v2.jwks_uri].map(async (url) => (await fetch(url)).json()),
    );
    expect(fromV1).toEqual(fromV2);
    expect(fromV2).toMatchObject({ keys: [{ kty: 'RSA', use: 'sig', kid: expect.any(String) }] });
  });

  it('posts basic items without validation tokens', async () => {
    const basic = richSubscription({ resource: `users/${alice.id}/mailFolders('inbox')/messages` });
    delete basic['includeResourceData'];
    expect((await subscribe({ ...basic, expirationDateTime: inMinutes(4230) })).status).toBe(201);

    sut.deliverMail(alice.id, { subject: 'Plain', from: { name: 'Bob', address: 'bob@fabrikam.example' } });
    const [post] = await sut.waitForNotificationPosts(1);

    expect(post?.body).not.toHaveProperty('validationTokens');
    expect(post?.body.value[0]).not.toHaveProperty('encryptedContent');
  });

  it('renews within 1440 minutes and encrypts for a rotated certificate from then on', async () => {
    const created = (await (await subscribe(richSubscription())).json()) as { id: string };
    const next = await createEncryptionCertificate();

    const tooLong = await graph(`/subscriptions/${created.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ expirationDateTime: inMinutes(1500) }),
    });
    const rotated = await graph(`/subscriptions/${created.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ encryptionCertificate: next.certificate, encryptionCertificateId: 'mailpush-2026' }),
    });

    expect(tooLong.status).toBe(400);
    expect(rotated.status).toBe(200);
    await expect(rotated.json()).resolves.toMatchObject({ encryptionCertificateId: 'mailpush-2026' });
    sut.deliverMail(alice.id, { subject: 'After rotation', from: { name: 'Bob', address: 'bob@fabrikam.example' } });
    const [post] = await sut.waitForNotificationPosts(1);
    const content = encryptedContent(post);
    expect(content).toMatchObject({
      encryptionCertificateId: 'mailpush-2026',
      encryptionCertificateThumbprint: next.thumbprint,
    });
    expect(decrypt(content, next.keyPem)).toMatchObject({ subject: 'After rotation' });
  });

  describe('refuses creation with 400 naming the field', () => {
    let ecCertificate: string;
    let weakCertificate: string;

    beforeAll(async () => {
      const ca = await SandboxCertificateAuthority.create();
      ecCertificate = new X509Certificate((await ca.issue(['localhost'])).certPem).raw.toString('base64');
      weakCertificate = (await createEncryptionCertificate({ modulusLength: 1024 })).certificate;
    });

    it.each<[string, () => Record<string, unknown>, string]>([
      ['without a certificate', () => ({ encryptionCertificate: undefined }), 'encryptionCertificate:'],
      ['without a certificate id', () => ({ encryptionCertificateId: undefined }), 'encryptionCertificateId:'],
      [
        'with a certificate id over 128 characters',
        () => ({ encryptionCertificateId: 'x'.repeat(129) }),
        'at most 128',
      ],
      [
        'with a certificate that is not X.509',
        () => ({ encryptionCertificate: 'bm90IGEgY2VydA==' }),
        'Certificate validation error',
      ],
      ['with an EC certificate', () => ({ encryptionCertificate: ecCertificate }), 'must be RSA'],
      ['with a 1024-bit RSA certificate', () => ({ encryptionCertificate: weakCertificate }), '1024-bit RSA'],
      ['beyond 1440 minutes', () => ({ expirationDateTime: inMinutes(1442) }), 'only be 1440 minutes'],
      ['without $select', () => ({ resource: `users/${alice.id}/mailFolders('inbox')/messages` }), '$select'],
      ['selecting the body', () => ({ resource: `users/${alice.id}/messages?$select=subject,body` }), 'body'],
      ['with $top', () => ({ resource: `users/${alice.id}/messages?$select=subject&$top=5` }), '$top'],
      ['with a non-boolean includeResourceData', () => ({ includeResourceData: 'yes' }), 'includeResourceData:'],
    ])('%s', async (_case, overrides, expected) => {
      const response = await subscribe(richSubscription(overrides()));

      const error = await errorOf(response);
      expect(error).toMatchObject({ status: 400, code: 'InvalidRequest' });
      expect(error.message).toContain(expected);
      expect(sut.subscriptions()).toHaveLength(0);
    });

    it('accepts exactly 1440 minutes and a 128-character id', async () => {
      const response = await subscribe(richSubscription({ encryptionCertificateId: 'x'.repeat(128) }));

      expect(response.status).toBe(201);
    });
  });
});
