import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import {
  createEncryptionCertificate,
  GraphSimulator,
  GraphTestWebhook,
  SandboxCertificateAuthority,
  type EncryptionCertificate,
  type GraphMailboxInfo,
} from '@mailpush/simulators';
import { GraphRequestError, type GraphConnection, type GraphDeltaPage } from './graph-mail-api.port';
import { MsGraphMailApi } from './ms-graph-mail-api.adapter';

const TENANT = 'b5b5f5a6-3333-4c3c-9d9d-0123456789ab';
const SECRET_APP = '6731de76-0000-49ae-97bc-6eba6914391e';
const CERT_APP = '6731de76-1111-49ae-97bc-6eba6914391e';
const SECRET = 'graph-client-test-secret';
const FROM = { name: 'Bob', address: 'bob@fabrikam.example' };

/** Keeps what the adapter logs, so that a test can see it never logs a token or a secret. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(String(message));
  }
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
  error(message: unknown): void {
    this.lines.push(String(message));
  }
}

describe(MsGraphMailApi.name, () => {
  let simulator: GraphSimulator;
  let ca: SandboxCertificateAuthority;
  let webhook: GraphTestWebhook;
  let appCertificate: EncryptionCertificate;
  let logger: RecordingLogger;
  let sut: MsGraphMailApi;
  let alice: GraphMailboxInfo;

  const secretConnection = (overrides: Partial<GraphConnection> = {}): GraphConnection => ({
    id: `conn-${randomUUID()}`,
    tenantId: TENANT,
    clientId: SECRET_APP,
    credential: { kind: 'secret', clientSecret: SECRET },
    baseUrl: simulator.url,
    authorityHost: simulator.url,
    caPem: ca.caPem,
    ...overrides,
  });
  let connection: GraphConnection;

  const deliver = (subject: string, user: string = alice.id) => simulator.deliverMail(user, { subject, from: FROM });
  const tokenRequests = () => simulator.requests().filter((request) => request.path.includes('/oauth2/v2.0/token'));
  /** Graph calls and `$batch` steps (recorded with their relative URL), not the identity platform's. */
  const graphRequests = () =>
    simulator.requests().filter((request) => request.inBatch || request.path.startsWith('/v1.0/'));
  const thrown = async (promise: Promise<unknown>): Promise<GraphRequestError> => {
    const error: unknown = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GraphRequestError);
    return error as GraphRequestError;
  };

  beforeAll(async () => {
    ca = await SandboxCertificateAuthority.create();
    [simulator, webhook, appCertificate] = await Promise.all([
      GraphSimulator.start({ ca, tenantId: TENANT }),
      GraphTestWebhook.start(),
      createEncryptionCertificate({ commonName: 'mailpush graph-client test app' }),
    ]);
    simulator.registerApp({ tenantId: TENANT, clientId: SECRET_APP, clientSecret: SECRET });
    simulator.registerApp({ tenantId: TENANT, clientId: CERT_APP, certificatePem: appCertificate.certPem });
  });

  beforeEach(() => {
    simulator.reset();
    logger = new RecordingLogger();
    sut = new MsGraphMailApi({ logger, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
    connection = secretConnection();
    alice = simulator.addMailbox(`alice-${randomUUID()}@contoso.example`);
  });

  afterEach(async () => {
    await sut.close();
  });

  afterAll(async () => {
    await simulator.close();
    await webhook.close();
  });

  describe('tokens', () => {
    it('gets one token with a client secret for many concurrent calls, without instance discovery', async () => {
      deliver('one');

      const counts = await Promise.all(Array.from({ length: 8 }, () => sut.getInboxUnreadCount(connection, alice.id)));

      expect(counts).toEqual(Array.from({ length: 8 }, () => 1));
      expect(tokenRequests()).toHaveLength(1);
      expect(simulator.requests().some((request) => request.path.includes('/discovery/instance'))).toBe(false);
      expect(graphRequests().every((request) => request.applicationId === SECRET_APP)).toBe(true);
    });

    it('gets a token with a certificate: a PS256 assertion naming it by SHA-256 thumbprint', async () => {
      const certificateConnection = secretConnection({
        clientId: CERT_APP,
        credential: {
          kind: 'certificate',
          certificatePem: appCertificate.certPem,
          privateKeyPem: appCertificate.keyPem,
        },
      });
      deliver('one');

      await expect(sut.getInboxUnreadCount(certificateConnection, alice.id)).resolves.toBe(1);
      await expect(sut.getInboxUnreadCount(certificateConnection, alice.id)).resolves.toBe(1);

      expect(tokenRequests().map((request) => request.status)).toEqual([200]);
      expect(graphRequests().map((request) => request.applicationId)).toEqual([CERT_APP, CERT_APP]);
    });

    it('refuses a key that is not the certificate’s before asking the identity platform', async () => {
      const other = await createEncryptionCertificate();
      const mismatched = secretConnection({
        clientId: CERT_APP,
        credential: { kind: 'certificate', certificatePem: appCertificate.certPem, privateKeyPem: other.keyPem },
      });

      const error = await thrown(sut.getInboxUnreadCount(mismatched, alice.id));

      expect(error.kind).toBe('auth');
      expect(error.message).toContain('credential.privateKeyPem');
      expect(tokenRequests()).toHaveLength(0);
    });

    it('throws auth naming AAD’s refusal of a wrong secret, without the secret', async () => {
      const wrong = secretConnection({ credential: { kind: 'secret', clientSecret: 'not-the-secret' } });

      const error = await thrown(sut.getInboxUnreadCount(wrong, alice.id));

      expect(error.kind).toBe('auth');
      expect(error.message).toContain('AADSTS7000215');
      expect(error.message).not.toContain('not-the-secret');
      expect(graphRequests()).toHaveLength(0);
    });

    it('fetches a fresh token once after a 401 and retries', async () => {
      await sut.getInboxUnreadCount(connection, alice.id);
      simulator.expireAccessTokens();

      await expect(sut.getInboxUnreadCount(connection, alice.id)).resolves.toBe(0);

      expect(tokenRequests()).toHaveLength(2);
      expect(graphRequests().map((request) => request.status)).toEqual([200, 401, 200]);
      const tokens = logger.lines.join('\n');
      expect(tokens).not.toMatch(/Bearer|access_token/);
      expect(tokens).not.toContain(SECRET);
    });

    it('honours the connection CA: without it TLS fails and the call is unavailable', async () => {
      const { caPem: _caPem, ...withoutCa } = connection;
      const fast = new MsGraphMailApi({ logger, maxAttempts: 1 });

      const error = await thrown(fast.getInboxUnreadCount({ ...withoutCa, id: `conn-${randomUUID()}` }, alice.id));
      await fast.close();

      expect(error.kind).toBe('unavailable');
      expect(error.message).toMatch(/certificate/i);
    });
  });

  describe('subscriptions', () => {
    const request = () => ({
      user: alice.userPrincipalName,
      notificationUrl: webhook.url('/notifications'),
      lifecycleNotificationUrl: webhook.url('/lifecycle'),
      expirationDateTime: new Date(Date.now() + 60 * 60_000),
      clientState: 'client-state-secret',
    });

    it('creates, reads, renews, reauthorizes and deletes a subscription', async () => {
      const created = await sut.createSubscription(connection, request());
      const renewedTo = new Date(Date.now() + 2 * 60 * 60_000);

      const read = await sut.getSubscription(connection, created.id);
      const renewed = await sut.renewSubscription(connection, created.id, renewedTo);
      await sut.reauthorizeSubscription(connection, created.id);
      const [state] = simulator.subscriptions();
      await sut.deleteSubscription(connection, created.id);

      expect(created).toMatchObject({
        resource: `users/${encodeURIComponent(alice.userPrincipalName)}/mailFolders('inbox')/messages`,
        changeType: 'created,updated',
        notificationUrl: webhook.url('/notifications'),
        lifecycleNotificationUrl: webhook.url('/lifecycle'),
      });
      expect(created.expirationDateTime).toBeInstanceOf(Date);
      expect(read).toEqual(created);
      expect(renewed.expirationDateTime.toISOString()).toBe(renewedTo.toISOString());
      expect(state).toMatchObject({ id: created.id, reauthorizedCount: 1, clientState: 'client-state-secret' });
      expect(simulator.subscriptions()).toHaveLength(0);
      await expect(sut.getSubscription(connection, created.id)).resolves.toBeUndefined();
      await expect(sut.deleteSubscription(connection, created.id)).resolves.toBeUndefined();
    });

    it('asks for resource data with the summary $select when given an encryption certificate', async () => {
      const encryption = await createEncryptionCertificate();

      const created = await sut.createSubscription(connection, {
        ...request(),
        expirationDateTime: new Date(Date.now() + 30 * 60_000),
        encryption: { certificate: encryption.certificate, certificateId: 'key-2025-01' },
      });

      expect(created.resource).toMatch(/\?\$select=subject,from,receivedDateTime,isRead,parentFolderId$/);
      expect(simulator.subscriptions()[0]).toMatchObject({
        includeResourceData: true,
        encryptionCertificateId: 'key-2025-01',
      });
    });

    it('maps 404 to not-found for renew and reauthorize, and a refused handshake to invalid', async () => {
      const missing = randomUUID();

      expect((await thrown(sut.renewSubscription(connection, missing, new Date(Date.now() + 60_000)))).kind).toBe(
        'not-found',
      );
      expect((await thrown(sut.reauthorizeSubscription(connection, missing))).kind).toBe('not-found');
      const refused = await thrown(
        sut.createSubscription(connection, { ...request(), notificationUrl: 'http://127.0.0.1:1/nobody-home' }),
      );
      expect(refused).toMatchObject({ kind: 'invalid', status: 400, code: 'InvalidRequest' });
      expect(refused.message).toContain('Subscription validation request failed');
    });
  });

  describe('reads', () => {
    it('reads one message with a plain GET and the summary fields', async () => {
      const message = deliver('Lunch?');

      const found = await sut.getMessages(connection, alice.userPrincipalName, [message.id]);

      expect([...found]).toEqual([
        [
          message.id,
          {
            id: message.id,
            subject: 'Lunch?',
            from: FROM,
            receivedDateTime: message.receivedDateTime,
            isRead: false,
            parentFolderId: message.parentFolderId,
          },
        ],
      ]);
      expect(graphRequests().map((request) => request.path)).toEqual([
        `/v1.0/users/${encodeURIComponent(alice.userPrincipalName)}/messages/${message.id}?$select=subject,from,receivedDateTime,isRead,parentFolderId`,
      ]);
    });

    it('reads 25 messages in two $batch calls (20 + 5), a missing one as undefined', async () => {
      const messages = Array.from({ length: 24 }, (_, index) => deliver(`message ${index}`));
      const ids = [...messages.map((message) => message.id), 'AAMkAmissing'];

      const found = await sut.getMessages(connection, alice.id, ids);

      expect([...found.keys()]).toEqual(ids);
      expect(found.get(messages[23]?.id ?? '')).toMatchObject({ subject: 'message 23', isRead: false });
      expect(found.get('AAMkAmissing')).toBeUndefined();
      expect(found.has('AAMkAmissing')).toBe(true);
      const batches = graphRequests().filter((request) => !request.inBatch);
      expect(batches.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
        'POST /v1.0/$batch 200',
        'POST /v1.0/$batch 200',
      ]);
      expect(graphRequests().filter((request) => request.inBatch)).toHaveLength(25);
    });

    it('maps a missing single message to undefined', async () => {
      const found = await sut.getMessages(connection, alice.id, ['AAMkAgone']);

      expect([...found]).toEqual([['AAMkAgone', undefined]]);
    });

    it('reads the inbox unread count', async () => {
      const read = deliver('read');
      deliver('unread');
      deliver('unread too');
      simulator.markRead(alice.id, read.id);

      await expect(sut.getInboxUnreadCount(connection, alice.userPrincipalName)).resolves.toBe(2);
    });

    it('throws not-found for a mailbox Graph does not know', async () => {
      const error = await thrown(sut.getInboxUnreadCount(connection, 'nobody@contoso.example'));

      expect(error).toMatchObject({ kind: 'not-found', status: 404, code: 'ErrorInvalidUser' });
      expect(error.message).toContain("GET /v1.0/users/nobody%40contoso.example/mailFolders('inbox') answered 404");
    });
  });

  describe('delta', () => {
    const round = async (link: string | undefined): Promise<{ pages: GraphDeltaPage[]; deltaLink: string }> => {
      const pages: GraphDeltaPage[] = [];
      let next = link;
      for (;;) {
        const page = await sut.deltaPage(connection, alice.id, next);
        pages.push(page);
        if (page.deltaLink !== undefined) return { pages, deltaLink: page.deltaLink };
        expect(page.nextLink).toEqual(expect.any(String));
        next = page.nextLink;
      }
    };

    it('pages a first round of 50 per page to a deltaLink, then a second round of only later changes', async () => {
      const first = Array.from({ length: 60 }, (_, index) => deliver(`m${index}`));

      const one = await round(undefined);
      const later = deliver('later');
      simulator.markRead(alice.id, first[0]?.id ?? '');
      const two = await round(one.deltaLink);

      expect(one.pages.map((page) => page.messages.length)).toEqual([50, 10]);
      expect(one.pages.flatMap((page) => page.messages.map((message) => message.subject))).toEqual(
        first.map((message) => message.subject),
      );
      expect(one.pages[0]?.messages[0]).toEqual({
        id: first[0]?.id,
        subject: 'm0',
        from: FROM,
        receivedDateTime: first[0]?.receivedDateTime,
        isRead: false,
        parentFolderId: first[0]?.parentFolderId,
      });
      expect(two.pages.flatMap((page) => page.messages.map((message) => [message.id, message.isRead]))).toEqual([
        [later.id, false],
        [first[0]?.id, true],
      ]);
      const firstPage = graphRequests()[0]?.path ?? '';
      expect(firstPage).toContain('/messages/delta?$select=subject,from,receivedDateTime,isRead,parentFolderId');
    });

    it('starts a round at a receivedSince date, a filter the round keeps', async () => {
      const since = new Date(Date.now() - 60_000);
      simulator.deliverMail(alice.id, {
        subject: 'old',
        from: FROM,
        receivedDateTime: new Date(Date.now() - 3600_000),
      });
      const recent = deliver('recent');

      const page = await sut.deltaPage(connection, alice.id, undefined, { receivedSince: since });
      let last = page;
      const subjects = page.messages.map((message) => message.subject);
      while (last.nextLink !== undefined) {
        last = await sut.deltaPage(connection, alice.id, last.nextLink);
        subjects.push(...last.messages.map((message) => message.subject));
      }

      expect(subjects).toContain(recent.subject);
      expect(subjects).not.toContain('old');
      const firstPath = graphRequests().find(
        (request) => request.path.includes('%24filter') || request.path.includes('$filter'),
      );
      expect(decodeURIComponent(firstPath?.path ?? '')).toContain(`receivedDateTime ge ${since.toISOString()}`);
    });

    it('refuses a link on another origin without sending anything', async () => {
      const foreign = [
        `https://graph.microsoft.com/v1.0/users/${alice.id}/mailFolders('inbox')/messages/delta?$deltatoken=x`,
        `${simulator.url.replace('https:', 'http:')}/v1.0/users/${alice.id}/mailFolders('inbox')/messages/delta`,
        `${simulator.url.replace('https://', 'https://someone@')}/v1.0/users/${alice.id}/mailFolders('inbox')/messages/delta`,
        'not a url',
      ];

      for (const link of foreign) {
        const error = await thrown(sut.deltaPage(connection, alice.id, link));
        expect(error.kind).toBe('invalid');
        expect(error.message).toMatch(/^link: /);
      }
      expect(simulator.requests()).toHaveLength(0);
    });

    it('throws gone for an expired or foreign delta token', async () => {
      const stale = `${simulator.url}/v1.0/users/${alice.id}/mailFolders('inbox')/messages/delta?$deltatoken=bm90LWEtc3RhdGU`;

      const error = await thrown(sut.deltaPage(connection, alice.id, stale));

      expect(error).toMatchObject({ kind: 'gone', status: 410, code: 'SyncStateNotFound' });
      expect(error.message).not.toContain('deltatoken');
    });
  });

  describe('throttling', () => {
    it('waits Retry-After and retries a throttled request', async () => {
      simulator.throttle(alice.id, { retryAfterSeconds: 1 });

      await expect(sut.getInboxUnreadCount(connection, alice.id)).resolves.toBe(0);

      expect(graphRequests().map((request) => request.status)).toEqual([429, 200]);
    });

    it('throws throttled with Retry-After after 3 attempts in all', async () => {
      simulator.throttle(alice.id, { retryAfterSeconds: 1, times: 5 });

      const error = await thrown(sut.getInboxUnreadCount(connection, alice.id));

      expect(error).toMatchObject({ kind: 'throttled', status: 429, code: 'TooManyRequests', retryAfterMs: 1000 });
      expect(error.message).toContain('after 3 attempts');
      expect(graphRequests().map((request) => request.status)).toEqual([429, 429, 429]);
    });

    it('does not wait inline for a Retry-After beyond the limit', async () => {
      simulator.throttle(alice.id, { retryAfterSeconds: 120 });

      const error = await thrown(sut.getInboxUnreadCount(connection, alice.id));

      expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 120_000 });
      expect(graphRequests()).toHaveLength(1);
    });

    it('retries only the throttled steps of a $batch', async () => {
      const messages = [deliver('a'), deliver('b'), deliver('c')];
      simulator.throttle(alice.id, { retryAfterSeconds: 1, times: 2 });

      const found = await sut.getMessages(
        connection,
        alice.id,
        messages.map((message) => message.id),
      );

      expect([...found.values()].map((message) => message?.subject)).toEqual(['a', 'b', 'c']);
      expect(graphRequests().map((request) => `${request.inBatch ? 'step' : request.path} ${request.status}`)).toEqual([
        'step 429',
        'step 429',
        'step 200',
        '/v1.0/$batch 200',
        'step 200',
        'step 200',
        '/v1.0/$batch 200',
      ]);
    });

    it('keeps at most 4 requests per mailbox on the wire, queueing the rest', async () => {
      const bob = simulator.addMailbox(`bob-${randomUUID()}@contoso.example`);
      const message = deliver('hold on');
      simulator.delayReads(alice.id, 250);
      simulator.delayReads(bob.id, 250);

      await Promise.all([
        ...Array.from({ length: 6 }, () => sut.getMessages(connection, alice.userPrincipalName, [message.id])),
        ...Array.from({ length: 6 }, () => sut.getInboxUnreadCount(connection, alice.userPrincipalName.toUpperCase())),
        ...Array.from({ length: 6 }, () => sut.getInboxUnreadCount(connection, bob.id)),
      ]);

      expect(simulator.maxConcurrentRequests(alice.id)).toBe(4);
      expect(simulator.maxConcurrentRequests(bob.id)).toBe(4);
      expect(graphRequests().filter((request) => request.status === 200)).toHaveLength(18);
    });
  });
});
