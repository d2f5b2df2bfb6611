import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailpushConfig } from '@mailpush/config';
import {
  createEncryptionCertificate,
  GraphSimulator,
  GraphTestWebhook as Webhook,
  SandboxCertificateAuthority,
} from '@mailpush/simulators';
import { encryptionCertificateFromPem, type EncryptionCertificate } from './encryption-certificate';
import { JoseRichNotificationReader } from './jose-rich-notification.reader';
import type { EncryptedContent } from './rich-notification.reader.port';
import { createRichNotificationReader } from './rich-notification-reader.factory';

const TENANT = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const SECRET = 'rich-notification-secret';

/** The Graph section of a configuration, with rich notifications off; each test sets what it needs. */
const GRAPH_CONFIG: MailpushConfig['graph'] = {
  tenantId: undefined,
  clientId: undefined,
  clientSecret: undefined,
  clientCertPath: undefined,
  notificationUrl: undefined,
  lifecycleNotificationUrl: undefined,
  baseUrl: 'https://graph.microsoft.com',
  authorityHost: 'https://login.microsoftonline.com',
  caPath: undefined,
  mailDomains: ['*'],
  subscriptionLifetimeMinutes: 1440,
  richNotifications: false,
  encryptionCertPath: undefined,
  encryptionKeyPath: undefined,
  webhookBodyLimitBytes: 1024 * 1024,
};

interface RichPost {
  readonly value: readonly { readonly encryptedContent: EncryptedContent }[];
  readonly validationTokens: readonly string[];
}

describe(`${JoseRichNotificationReader.name} against the Graph simulator`, () => {
  let ca: SandboxCertificateAuthority;
  let graph: GraphSimulator;
  let webhook: Webhook;
  let dir: string;
  let files: { certPath: string; keyPath: string; caPath: string };
  let certificate: EncryptionCertificate;
  let post: RichPost;
  const readers: JoseRichNotificationReader[] = [];

  const reader = (options: { clientIds?: string[]; caPem?: string } = {}): JoseRichNotificationReader => {
    const created = new JoseRichNotificationReader({
      clientIds: options.clientIds ?? [CLIENT_ID],
      tenantIds: [TENANT],
      authorityHost: graph.url,
      decryptionKeys: [certificate],
      ...(options.caPem === undefined ? {} : { caPem: options.caPem }),
    });
    readers.push(created);
    return created;
  };

  beforeAll(async () => {
    ca = await SandboxCertificateAuthority.create();
    graph = await GraphSimulator.start({ ca, tenantId: TENANT });
    webhook = await Webhook.start();
    graph.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    const generated = await createEncryptionCertificate();
    certificate = encryptionCertificateFromPem(generated.certPem, generated.keyPem);
    dir = await mkdtemp(join(tmpdir(), 'rich-notification-'));
    files = { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem'), caPath: join(dir, 'ca.pem') };
    await Promise.all([
      writeFile(files.certPath, generated.certPem),
      writeFile(files.keyPath, generated.keyPem),
      writeFile(files.caPath, ca.caPem),
    ]);

    const token = await call(
      'POST',
      `${graph.url}/${TENANT}/oauth2/v2.0/token`,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
      new URLSearchParams({
        client_id: CLIENT_ID,
        client_secret: SECRET,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }).toString(),
    );
    expect(token.status).toBe(200);
    const accessToken = (token.body as { access_token: string }).access_token;
    const mailbox = graph.addMailbox('adele@contoso.example');
    const subscription = await call(
      'POST',
      `${graph.graphBaseUrl}/subscriptions`,
      {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
      },
      JSON.stringify({
        changeType: 'created',
        notificationUrl: webhook.url(),
        resource: `users/${mailbox.id}/mailFolders('inbox')/messages?$select=subject,from,receivedDateTime,isRead`,
        expirationDateTime: new Date(Date.now() + 60 * 60_000).toISOString(),
        clientState: 'rich-client-state',
        includeResourceData: true,
        encryptionCertificate: certificate.certificate,
        encryptionCertificateId: certificate.certificateId,
      }),
    );
    expect(subscription.status).toBe(201);

    graph.deliverMail(mailbox.id, {
      subject: 'Board pack — final',
      from: { name: 'Megan Bowen', address: 'megan@contoso.example' },
    });
    await graph.waitForNotificationPosts(1);
    await graph.notificationsSettled();
    post = JSON.parse(webhook.bodies[0] ?? '{}') as RichPost;
  });

  afterAll(async () => {
    await Promise.all(readers.map((created) => created.onApplicationShutdown()));
    await graph.close();
    await webhook.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the POST’s tokens over https with the sandbox CA and decrypts the delivered summary', async () => {
    const sut = reader({ caPem: ca.caPem });

    await expect(sut.verifyTokens(post.validationTokens)).resolves.toBe(true);
    const [item] = post.value;
    expect(item).toBeDefined();
    expect(sut.decrypt(item?.encryptedContent as EncryptedContent)).toEqual({
      subject: 'Board pack — final',
      from: { name: 'Megan Bowen', address: 'megan@contoso.example' },
      receivedDateTime: expect.stringMatching(/Z$/),
      isRead: false,
    });
  });

  it('refuses the tokens when they were issued to another app', async () => {
    const sut = reader({ clientIds: ['00000000-1111-4222-8333-444444444444'], caPem: ca.caPem });

    await expect(sut.verifyTokens(post.validationTokens)).resolves.toBe(false);
  });

  it('refuses the tokens when the key set host is not trusted', async () => {
    const sut = reader();

    await expect(sut.verifyTokens(post.validationTokens)).resolves.toBe(false);
  });

  it('is built from the configuration’s certificate, key and CA files', async () => {
    const sut = await createRichNotificationReader({
      ...GRAPH_CONFIG,
      tenantId: TENANT,
      clientId: CLIENT_ID,
      authorityHost: graph.url,
      caPath: files.caPath,
      richNotifications: true,
      encryptionCertPath: files.certPath,
      encryptionKeyPath: files.keyPath,
    });
    if (sut !== undefined) readers.push(sut);

    expect(sut).toBeInstanceOf(JoseRichNotificationReader);
    await expect(sut?.verifyTokens(post.validationTokens)).resolves.toBe(true);
    expect(sut?.decrypt(post.value[0]?.encryptedContent as EncryptedContent)).toMatchObject({
      subject: 'Board pack — final',
    });
  });

  /** An https call trusting the sandbox CA (the simulator's certificate chains to it). */
  function call(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const sent = httpsRequest(url, { method, headers, ca: ca.caPem }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      });
      sent.on('error', reject);
      sent.end(body);
    });
  }
});
