import { randomBytes, randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { loadConfig, type Environment } from '@mailpush/config';
import { FoundationModule } from '@mailpush/foundation';
import { shardOf } from '@mailpush/leases';
import { DeviceRegistrationEntity, MailboxEntity } from '@mailpush/persistence';
import { startApp, type RunningApp } from '@mailpush/runtime';
import { describeEachDatabase, type ThrowawayDatabase, eventually } from '@mailpush/testing';
import { DataSource, In } from 'typeorm';
import { ApiClient, type ApiResponse } from '../testing/api-client';
import { RegistrationEventLog } from '../testing/registration-event-log';
import { TestIdentityProvider } from '../testing/test-identity-provider';
import { RegistrationModule, type RegistrationModuleSetup } from './registration.module';
import { RegistrationPurge } from './registrations/registration-purge.service';

const SECRETS_KEY = randomBytes(32).toString('base64');
const BODY_LIMIT = 2048;
const SHARD_COUNT = 64;
const DAY_MS = 24 * 3600 * 1000;
const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

@Module({})
class TestRootModule {}

interface TestApi {
  readonly running: RunningApp;
  readonly client: ApiClient;
  readonly log: RegistrationEventLog;
  readonly dataSource: DataSource;
  readonly purge: RegistrationPurge;
}

interface StartOptions {
  readonly env?: Environment;
  /** Whether a consumer of RegistrationChanged runs (without one the in-process bus refuses to publish it). */
  readonly observe?: boolean;
  readonly setup?: RegistrationModuleSetup;
}

/** The registration API as the app runs it (runtime, foundation, module), on a free port. */
async function startApi(
  db: ThrowawayDatabase,
  idp: TestIdentityProvider,
  options: StartOptions = {},
): Promise<TestApi> {
  const config = loadConfig(
    { app: 'registration-api' },
    {
      DATABASE_URL: db.url,
      SECRETS_KEY,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_ISSUER: idp.issuer,
      AUTH_AUDIENCE: idp.audience,
      REGISTRATION_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      REGISTRATION_RATE_LIMIT_PER_MINUTE: '100000',
      SHARD_COUNT: String(SHARD_COUNT),
      ...options.env,
    },
  );
  const observe = options.observe ?? true;
  const running = await startApp(
    {
      config: { app: 'registration-api' },
      module: (c): DynamicModule => ({
        module: TestRootModule,
        imports: [
          FoundationModule.forRoot(c, { leases: false }),
          RegistrationModule.forRoot(c, { jwksCooldownMs: 0, purgeIntervalMs: 3_600_000, ...options.setup }),
        ],
        providers: observe ? [RegistrationEventLog] : [],
      }),
    },
    config,
  );
  return {
    running,
    client: new ApiClient(running.url),
    log: observe ? running.app.get(RegistrationEventLog) : new RegistrationEventLog(),
    dataSource: running.app.get(DataSource),
    purge: running.app.get(RegistrationPurge),
  };
}

function newMailbox(name = 'user'): string {
  return `${name}-${randomUUID().slice(0, 8)}@contoso.com`;
}

function iosBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deviceId: `iphone-${randomUUID()}`,
    platform: 'ios',
    pushToken: randomBytes(32).toString('hex'),
    appId: 'com.contoso.mail',
    ...overrides,
  };
}

function androidBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deviceId: `pixel-${randomUUID()}`,
    platform: 'android',
    pushToken: `${randomBytes(8).toString('hex')}:APA91b${randomBytes(40).toString('base64url')}`,
    appId: 'com.contoso.mail',
    ...overrides,
  };
}

function json(response: ApiResponse): Record<string, unknown> {
  return response.body as Record<string, unknown>;
}

function expectProblem(response: ApiResponse, status: number, type: string): Record<string, unknown> {
  expect({ status: response.status, contentType: response.headers.get('content-type') }).toEqual({
    status,
    contentType: PROBLEM_JSON,
  });
  expect(json(response)).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
  return json(response);
}

async function rowCounts(api: TestApi): Promise<{ mailboxes: number; registrations: number }> {
  return {
    mailboxes: await api.dataSource.getRepository(MailboxEntity).count(),
    registrations: await api.dataSource.getRepository(DeviceRegistrationEntity).count(),
  };
}

describe(RegistrationModule.name, () => {
  let idp: TestIdentityProvider;

  beforeAll(async () => {
    idp = await TestIdentityProvider.start();
  });

  afterAll(async () => {
    await idp.close();
  });

  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let api: TestApi;

    beforeAll(async () => {
      db = await database.create();
      api = await startApi(db, idp);
    });

    afterAll(async () => {
      await api.running.stop();
      await db.drop();
    });

    /** Registers a sentinel device and waits for its event: every event published before it has arrived too. */
    async function settleEvents(): Promise<void> {
      const sentinel = newMailbox('sentinel');
      const response = await api.client.post('/v1/registrations', iosBody(), await idp.tokenFor(sentinel));
      expect(response.status).toBe(201);
      await eventually('the sentinel event', () => api.log.of(sentinel).length === 1);
    }

    async function register(
      mailbox: string,
      body: Record<string, unknown> = iosBody(),
    ): Promise<{ id: string; token: string; body: Record<string, unknown> }> {
      const token = await idp.tokenFor(mailbox);
      const response = await api.client.post('/v1/registrations', body, token);
      expect(response.status).toBe(201);
      return { id: json(response)['id'] as string, token, body };
    }

    describe('POST /v1/registrations', () => {
      it('creates a registration (201), its mailbox, and announces it', async () => {
        const mailbox = newMailbox('ada');
        const body = iosBody({ environment: 'sandbox', locale: 'en-gb' });

        const response = await api.client.post('/v1/registrations', body, await idp.tokenFor(mailbox.toUpperCase()));

        expect(response.status).toBe(201);
        const created = json(response);
        expect(created).toEqual({
          id: expect.any(String),
          mailbox,
          deviceId: body['deviceId'],
          platform: 'ios',
          appId: 'com.contoso.mail',
          environment: 'sandbox',
          locale: 'en-GB',
          settings: { preview: 'full' },
          status: 'active',
          expiresAt: expect.any(String),
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          backend: 'pending',
        });
        expect(response.headers.get('location')).toBe(`/v1/registrations/${String(created['id'])}`);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(Date.parse(created['expiresAt'] as string) - Date.parse(created['createdAt'] as string)).toBe(
          30 * DAY_MS,
        );

        const row = await api.dataSource
          .getRepository(DeviceRegistrationEntity)
          .findOneByOrFail({ id: created['id'] as string });
        expect(row.pushToken).toBe(body['pushToken']);
        const mailboxRow = await api.dataSource.getRepository(MailboxEntity).findOneByOrFail({ smtpAddress: mailbox });
        expect(mailboxRow).toMatchObject({
          backend: 'pending',
          shardKey: mailboxRow.id,
          shard: shardOf(mailboxRow.id, SHARD_COUNT),
          status: 'watched',
        });
        await eventually('the created event', () => api.log.of(mailbox).length === 1);
        expect(api.log.of(mailbox)).toEqual([
          {
            mailboxId: mailboxRow.id,
            smtpAddress: mailbox,
            registrationIds: [created['id']],
            change: 'created',
            backend: 'pending',
            shard: mailboxRow.shard,
            watched: true,
          },
        ]);
      });

      it('re-registers the same device idempotently (200, same id) with the new token and a new expiry', async () => {
        const mailbox = newMailbox('grace');
        const first = await register(mailbox, androidBody({ locale: 'de', settings: { preview: 'none' } }));
        const lapsing = new Date(Date.now() + DAY_MS);
        await api.dataSource
          .getRepository(DeviceRegistrationEntity)
          .update({ id: first.id }, { expiresAt: lapsing, failureCount: 3 });
        const newToken = androidBody()['pushToken'];

        const { locale: _locale, ...withoutLocale } = first.body;

        const response = await api.client.post(
          '/v1/registrations',
          { ...withoutLocale, pushToken: newToken, appId: 'com.contoso.mail.beta' },
          first.token,
        );

        expect(response.status).toBe(200);
        expect(response.headers.get('location')).toBeNull();
        expect(json(response)).toMatchObject({
          id: first.id,
          status: 'active',
          appId: 'com.contoso.mail.beta',
          locale: null,
          settings: { preview: 'none' },
        });
        expect(Date.parse(json(response)['expiresAt'] as string)).toBeGreaterThan(lapsing.getTime());
        const rows = await api.dataSource.getRepository(DeviceRegistrationEntity).findBy({
          mailboxId: (await api.dataSource.getRepository(MailboxEntity).findOneByOrFail({ smtpAddress: mailbox })).id,
        });
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          id: first.id,
          pushToken: newToken,
          failureCount: 0,
          appId: 'com.contoso.mail.beta',
        });
        await eventually('two events', () => api.log.of(mailbox).length === 2);
        expect(api.log.of(mailbox).map((e) => e.change)).toEqual(['created', 'updated']);
      });

      it('keeps one mailbox row when its first two devices register at the same moment', async () => {
        const mailbox = newMailbox('race');
        const token = await idp.tokenFor(mailbox);

        const responses = await Promise.all(
          [iosBody(), androidBody(), iosBody()].map((body) => api.client.post('/v1/registrations', body, token)),
        );

        expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
        expect(await api.dataSource.getRepository(MailboxEntity).countBy({ smtpAddress: mailbox })).toBe(1);
      });

      it('answers an unknown platform with 400 naming platform, and writes nothing', async () => {
        const before = await rowCounts(api);
        const mailbox = newMailbox();

        const response = await api.client.post(
          '/v1/registrations',
          iosBody({ platform: 'blackberry' }),
          await idp.tokenFor(mailbox),
        );

        const problem = expectProblem(response, 400, 'urn:mailpush:problem:validation-failed');
        expect(problem['errors']).toEqual([{ field: 'platform', message: 'must be "ios" or "android"' }]);
        expect(problem['instance']).toBe('/v1/registrations');
        expect(await rowCounts(api)).toEqual(before);
      });

      it('names every invalid field at once', async () => {
        const response = await api.client.post(
          '/v1/registrations',
          { platform: 'ios', pushToken: 'not-hex', appId: 'mail', settings: { preview: 'loud' }, extra: 1 },
          await idp.tokenFor(newMailbox()),
        );

        const problem = expectProblem(response, 400, 'urn:mailpush:problem:validation-failed');
        expect((problem['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual([
          'appId',
          'deviceId',
          'extra',
          'settings.preview',
        ]);
      });

      it('answers malformed JSON with 400 and a body that is not JSON with 415, writing nothing', async () => {
        const before = await rowCounts(api);
        const token = await idp.tokenFor(newMailbox());

        const malformed = await api.client.request('POST', '/v1/registrations', { token, body: '{"deviceId": ' });
        const text = await api.client.request('POST', '/v1/registrations', {
          token,
          body: 'deviceId=1',
          headers: { 'content-type': 'text/plain' },
        });

        expectProblem(malformed, 400, 'urn:mailpush:problem:malformed-json');
        expectProblem(text, 415, 'urn:mailpush:problem:unsupported-media-type');
        expect(await rowCounts(api)).toEqual(before);
      });

      it('answers a body over the limit with 413, whether sized, chunked or beyond the app-wide parser', async () => {
        const before = await rowCounts(api);
        const token = await idp.tokenFor(newMailbox());
        const oversized = JSON.stringify(iosBody({ padding: 'x'.repeat(BODY_LIMIT) }));
        const huge = JSON.stringify(iosBody({ padding: 'x'.repeat(200_000) }));

        const sized = await api.client.request('POST', '/v1/registrations', { token, body: oversized });
        const chunked = await fetch(`${api.running.url}/v1/registrations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: new Blob([oversized]).stream(),
          duplex: 'half',
        } as RequestInit);
        const beyond = await api.client.request('POST', '/v1/registrations', { token, body: huge });

        expectProblem(sized, 413, 'urn:mailpush:problem:payload-too-large');
        expect({ status: chunked.status, type: ((await chunked.json()) as { type: string }).type }).toEqual({
          status: 413,
          type: 'urn:mailpush:problem:payload-too-large',
        });
        expectProblem(beyond, 413, 'urn:mailpush:problem:payload-too-large');
        expect(await rowCounts(api)).toEqual(before);
      });
    });

    describe('reading, changing and deleting', () => {
      it("lists and gets only the caller's registrations", async () => {
        const alice = newMailbox('alice');
        const bob = newMailbox('bob');
        const a1 = await register(alice);
        const a2 = await register(alice, androidBody());
        const b1 = await register(bob);

        const list = await api.client.get('/v1/registrations', a1.token);
        const one = await api.client.get(`/v1/registrations/${a2.id}`, a1.token);

        expect(list.status).toBe(200);
        expect((json(list)['items'] as { id: string }[]).map((r) => r.id).sort()).toEqual([a1.id, a2.id].sort());
        expect(one.status).toBe(200);
        expect(json(one)).toMatchObject({ id: a2.id, mailbox: alice, platform: 'android' });
        expect(json(await api.client.get('/v1/registrations', b1.token))['items']).toHaveLength(1);
        expect(json(await api.client.get('/v1/registrations', await idp.tokenFor(newMailbox())))).toEqual({
          items: [],
        });
      });

      it('replaces the settings and announces the change', async () => {
        const mailbox = newMailbox();
        const { id, token } = await register(mailbox);
        const settings = {
          preview: 'sender',
          folders: ['inbox', 'VIP'],
          quietHours: { start: '22:00', end: '06:30', timeZone: 'Europe/Berlin' },
          badge: false,
        };

        const response = await api.client.put(`/v1/registrations/${id}/settings`, settings, token);

        expect(response.status).toBe(200);
        expect(json(response)).toMatchObject({ id, settings });
        expect(json(await api.client.get(`/v1/registrations/${id}`, token))['settings']).toEqual(settings);
        await eventually('the update event', () => api.log.of(mailbox).length === 2);
        expect(api.log.of(mailbox)[1]).toMatchObject({ change: 'updated', registrationIds: [id], watched: true });
      });

      it('answers settings with a bad time zone with 400 naming quietHours.timeZone, changing nothing', async () => {
        const mailbox = newMailbox();
        const { id, token } = await register(mailbox);

        const response = await api.client.put(
          `/v1/registrations/${id}/settings`,
          { preview: 'none', quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Atlantis' } },
          token,
        );

        const problem = expectProblem(response, 400, 'urn:mailpush:problem:validation-failed');
        expect(problem['errors']).toEqual([
          { field: 'quietHours.timeZone', message: 'must be an IANA time zone, e.g. Europe/Berlin' },
        ]);
        expect(json(await api.client.get(`/v1/registrations/${id}`, token))['settings']).toEqual({ preview: 'full' });
      });

      it('deletes a registration (204); the mailbox is unwatched once its last one goes', async () => {
        const mailbox = newMailbox();
        const first = await register(mailbox);
        const second = await register(mailbox, androidBody());

        const deleteFirst = await api.client.delete(`/v1/registrations/${first.id}`, first.token);
        await eventually('the first delete event', () => api.log.of(mailbox).length === 3);
        const deleteSecond = await api.client.delete(`/v1/registrations/${second.id}`, first.token);

        expect([deleteFirst.status, deleteSecond.status]).toEqual([204, 204]);
        expect(deleteFirst.text).toBe('');
        expectProblem(
          await api.client.get(`/v1/registrations/${first.id}`, first.token),
          404,
          'urn:mailpush:problem:not-found',
        );
        expectProblem(
          await api.client.delete(`/v1/registrations/${first.id}`, first.token),
          404,
          'urn:mailpush:problem:not-found',
        );
        await eventually('both delete events', () => api.log.of(mailbox).length === 4);
        expect(api.log.of(mailbox).slice(2)).toEqual([
          expect.objectContaining({ change: 'deleted', registrationIds: [first.id], watched: true }),
          expect.objectContaining({ change: 'deleted', registrationIds: [second.id], watched: false }),
        ]);
        expect(
          await api.dataSource.getRepository(MailboxEntity).findOneByOrFail({ smtpAddress: mailbox }),
        ).toMatchObject({
          status: 'unwatched',
        });

        await register(mailbox);
        expect(
          await api.dataSource.getRepository(MailboxEntity).findOneByOrFail({ smtpAddress: mailbox }),
        ).toMatchObject({
          status: 'watched',
        });
      });

      it('answers an unknown path under /v1/registrations with a 404 problem, and leaves other paths to Nest', async () => {
        const response = await api.client.get('/v1/registrations/a/b/c', await idp.tokenFor(newMailbox()));
        const elsewhere = await api.client.get('/v2/registrations');

        expectProblem(response, 404, 'urn:mailpush:problem:not-found');
        expect({ status: elsewhere.status, body: elsewhere.body }).toEqual({
          status: 404,
          body: { statusCode: 404, error: 'Not Found', message: 'Cannot GET /v2/registrations' },
        });
      });
    });

    describe('security', () => {
      it('answers 401 with a bearer challenge without a token, or with a token of another issuer or audience, or expired', async () => {
        const mailbox = newMailbox();
        const { id } = await register(mailbox);
        const tokens = [
          undefined,
          await idp.tokenFor(mailbox, { issuer: 'https://evil.example/' }),
          await idp.tokenFor(mailbox, { audience: 'api://something-else' }),
          await idp.tokenFor(mailbox, { expiresInSeconds: -120 }),
          await idp.token({ sub: 'no-mailbox-claim' }),
          `${(await idp.tokenFor(mailbox)).slice(0, -4)}AAAA`,
        ];

        for (const token of tokens) {
          const responses = [
            await api.client.get('/v1/registrations', token),
            await api.client.get(`/v1/registrations/${id}`, token),
            await api.client.post('/v1/registrations', iosBody(), token),
            await api.client.delete(`/v1/registrations/${id}`, token),
          ];
          for (const response of responses) {
            expectProblem(response, 401, 'urn:mailpush:problem:unauthorized');
            expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="mailpush", error="invalid_token"/);
          }
        }
        expect(await api.dataSource.getRepository(DeviceRegistrationEntity).countBy({ id })).toBe(1);
      });

      it('fetches the key set again for an unknown key id, so tokens keep working across a key rotation', async () => {
        const mailbox = newMailbox();
        const { token: oldToken } = await register(mailbox);
        const fetchesBefore = idp.jwksRequests;
        const [retired] = await idp.rotate();

        const rotated = await api.client.get('/v1/registrations', await idp.tokenFor(mailbox));
        const signedWithRetiredKey = await api.client.get(
          '/v1/registrations',
          await idp.tokenFor(mailbox, ...(retired === undefined ? [] : [{ key: retired }])),
        );

        expect(rotated.status).toBe(200);
        expect(idp.jwksRequests).toBeGreaterThan(fetchesBefore);
        expect(signedWithRetiredKey.status).toBe(401);
        expect((await api.client.get('/v1/registrations', oldToken)).status).toBe(401);
      });

      it("never lets bob see, change or delete alice's registration: 404 as for an unknown id, and nothing changes", async () => {
        const alice = newMailbox('alice');
        const { id } = await register(alice);
        await eventually('the created event', () => api.log.of(alice).length === 1);
        const before = await api.dataSource.getRepository(DeviceRegistrationEntity).findOneByOrFail({ id });
        const bob = await idp.tokenFor(newMailbox('bob'));
        await api.client.post('/v1/registrations', iosBody(), bob);

        const responses = [
          await api.client.get(`/v1/registrations/${id}`, bob),
          await api.client.put(`/v1/registrations/${id}/settings`, { preview: 'none' }, bob),
          await api.client.delete(`/v1/registrations/${id}`, bob),
        ];
        const unknown = await api.client.get(`/v1/registrations/${randomUUID()}`, bob);

        const withoutInstance = (response: ApiResponse): unknown => ({ ...json(response), instance: undefined });
        for (const response of responses) {
          expectProblem(response, 404, 'urn:mailpush:problem:not-found');
          expect(withoutInstance(response)).toEqual(withoutInstance(unknown));
        }
        expect(
          (json(await api.client.get('/v1/registrations', bob))['items'] as { id: string }[]).map((r) => r.id),
        ).not.toContain(id);
        expect(await api.dataSource.getRepository(DeviceRegistrationEntity).findOneByOrFail({ id })).toEqual(before);
        await settleEvents();
        expect(api.log.of(alice)).toHaveLength(1);
      });
    });

    describe('expiry', () => {
      it('shows a lapsed registration as expired, then the purge deletes it and announces it', async () => {
        const mailbox = newMailbox();
        const kept = await register(mailbox);
        const lapsed = await register(mailbox, androidBody());
        await api.dataSource
          .getRepository(DeviceRegistrationEntity)
          .update({ id: lapsed.id }, { expiresAt: new Date(Date.now() - 1000) });

        const shown = await api.client.get(`/v1/registrations/${lapsed.id}`, kept.token);
        const purged = await api.purge.purgeExpired();

        expect(json(shown)['status']).toBe('expired');
        expect(purged).toBeGreaterThanOrEqual(1);
        expect(await api.dataSource.getRepository(DeviceRegistrationEntity).countBy({ id: lapsed.id })).toBe(0);
        expect(await api.dataSource.getRepository(DeviceRegistrationEntity).countBy({ id: kept.id })).toBe(1);
        await eventually('the expired event', () => api.log.of(mailbox).some((e) => e.change === 'expired'));
        expect(api.log.of(mailbox).filter((e) => e.change === 'expired')).toEqual([
          expect.objectContaining({ registrationIds: [lapsed.id], watched: true }),
        ]);

        await api.dataSource
          .getRepository(DeviceRegistrationEntity)
          .update({ id: kept.id }, { expiresAt: new Date(Date.now() - 1000) });
        await api.purge.purgeExpired();
        await eventually(
          'the second expired event',
          () => api.log.of(mailbox).filter((e) => e.change === 'expired').length === 2,
        );
        expect(api.log.of(mailbox).at(-1)).toMatchObject({
          change: 'expired',
          registrationIds: [kept.id],
          watched: false,
        });
        expect(
          await api.dataSource.getRepository(MailboxEntity).findOneByOrFail({ smtpAddress: mailbox }),
        ).toMatchObject({
          status: 'unwatched',
        });
      });

      it('purges once at start', async () => {
        const mailbox = newMailbox();
        const { id } = await register(mailbox);
        await api.dataSource
          .getRepository(DeviceRegistrationEntity)
          .update({ id }, { expiresAt: new Date(Date.now() - 1000) });
        await api.running.stop();

        api = await startApi(db, idp);

        await eventually(
          'the purge at start',
          async () => (await api.dataSource.getRepository(DeviceRegistrationEntity).countBy({ id })) === 0,
        );
        await eventually('the expired event', () => api.log.of(mailbox).length === 1);
        expect(api.log.of(mailbox)[0]).toMatchObject({ change: 'expired', registrationIds: [id], watched: false });
      });
    });

    describe('when the bus cannot take the event', () => {
      let failing: TestApi;
      let failingDb: ThrowawayDatabase;

      beforeAll(async () => {
        failingDb = await database.create();
        failing = await startApi(failingDb, idp, { observe: false });
      });

      afterAll(async () => {
        await failing.running.stop();
        await failingDb.drop();
      });

      it('answers 503 with Retry-After and stores nothing', async () => {
        const response = await failing.client.post('/v1/registrations', iosBody(), await idp.tokenFor(newMailbox()));

        expectProblem(response, 503, 'urn:mailpush:problem:unavailable');
        expect(response.headers.get('retry-after')).toBe('5');
        expect(await rowCounts(failing)).toEqual({ mailboxes: 0, registrations: 0 });
      });
    });

    describe('rate limit', () => {
      let limited: TestApi;
      let limitedDb: ThrowawayDatabase;

      beforeAll(async () => {
        limitedDb = await database.create();
        limited = await startApi(limitedDb, idp, { env: { REGISTRATION_RATE_LIMIT_PER_MINUTE: '3' } });
      });

      afterAll(async () => {
        await limited.running.stop();
        await limitedDb.drop();
      });

      it('answers 429 with Retry-After once a mailbox used its minute, without affecting other mailboxes', async () => {
        const token = await idp.tokenFor(newMailbox());
        const statuses = [];
        for (let i = 0; i < 3; i += 1) statuses.push((await limited.client.get('/v1/registrations', token)).status);

        const refused = await limited.client.get('/v1/registrations', token);
        const other = await limited.client.get('/v1/registrations', await idp.tokenFor(newMailbox()));

        expect(statuses).toEqual([200, 200, 200]);
        expectProblem(refused, 429, 'urn:mailpush:problem:rate-limited');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(other.status).toBe(200);
      });

      it('limits an address that keeps failing authentication before checking any more tokens', async () => {
        const statuses = [];
        for (let i = 0; i < 4; i += 1)
          statuses.push((await limited.client.get('/v1/registrations', 'not-a-jwt')).status);

        expect(statuses).toEqual([401, 401, 401, 429]);
      });
    });

    describe('documentation and metrics', () => {
      it('serves the OpenAPI document without authentication, listing every path', async () => {
        const response = await api.client.get('/v1/openapi.json');

        expect(response.status).toBe(200);
        expect(json(response)['openapi']).toBe('3.1.0');
        expect(Object.keys(json(response)['paths'] as object).sort()).toEqual([
          '/v1/openapi.json',
          '/v1/registrations',
          '/v1/registrations/{id}',
          '/v1/registrations/{id}/settings',
        ]);
      });

      it('counts registrations by outcome on /metrics', async () => {
        await register(newMailbox());

        const metrics = await (await fetch(`${api.running.url}/metrics`)).text();

        expect(metrics).toMatch(/mailpush_registrations_total\{[^}]*outcome="created"[^}]*\} [1-9]/);
      });
    });
  });

  describeEachDatabase(
    (database) => {
      let db: ThrowawayDatabase;
      let apis: TestApi[];

      beforeAll(async () => {
        db = await database.create();
        apis = [await startApi(db, idp), await startApi(db, idp)];
      });

      afterAll(async () => {
        await Promise.all(apis.map((a) => a.running.stop()));
        await db.drop();
      });

      it('announces each expired registration once when two replicas purge at the same time', async () => {
        const [first, second] = apis as [TestApi, TestApi];
        const mailboxes = [newMailbox(), newMailbox(), newMailbox()];
        const ids: string[] = [];
        for (const mailbox of mailboxes) {
          const token = await idp.tokenFor(mailbox);
          for (const body of [iosBody(), androidBody()]) {
            ids.push(json(await first.client.post('/v1/registrations', body, token))['id'] as string);
          }
        }
        await first.dataSource
          .getRepository(DeviceRegistrationEntity)
          .update({ id: In(ids) }, { expiresAt: new Date(Date.now() - 1000) });

        const deleted = await Promise.all([first.purge.purgeExpired(), second.purge.purgeExpired()]);

        expect(deleted[0] + deleted[1]).toBe(ids.length);
        const expired = () => [...first.log.events, ...second.log.events].filter((e) => e.change === 'expired');
        await eventually(
          'every expired event',
          () => expired().flatMap((e) => e.registrationIds).length === ids.length,
        );
        expect(
          expired()
            .flatMap((e) => e.registrationIds)
            .sort(),
        ).toEqual([...ids].sort());
      });
    },
    ['postgres'],
  );
});
