import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig } from '@mailpush/config';
import {
  MailChanged,
  mailChangeId,
  RegistrationChanged,
  type MailChange,
  type RegistrationChange,
} from '@mailpush/contracts';
import { EventBus, InProcessEventBus, MessagingModule } from '@mailpush/messaging';
import {
  DeliveryLogRepository,
  DeviceRegistrationRepository,
  MailboxRepository,
  PersistenceModule,
  PushCredentialRepository,
  type DeliveryLogEntity,
  type DeviceRegistrationEntity,
  type JsonObject,
  type MailboxEntity,
} from '@mailpush/persistence';
import { SecretsModule } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import { Redis } from 'ioredis';
import { failed, FakePushProviderFactory, type RecordedPush } from '../testing/fake-push-provider.factory';
import { DispatchModule } from './dispatch.module';
import { PushProviderFactory } from './providers/push-provider-factory.port';

Logger.overrideLogger(false);

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PUSH_ATTEMPTS = 3;
/** Tries the bus makes in all: the first and one per retry delay. */
const BUS_DELIVERIES = 3;

async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(DispatchModule.name, () => {
  const keyPrefix = `mailpush-test-${randomBytes(6).toString('hex')}`;
  const files = mkdtempSync(join(tmpdir(), 'mailpush-dispatch-'));
  writeFileSync(join(files, 'AuthKey.p8'), '-----BEGIN PRIVATE KEY-----\nfake\n-----END PRIVATE KEY-----\n');
  writeFileSync(
    join(files, 'service-account.json'),
    JSON.stringify({
      type: 'service_account',
      project_id: 'mailpush-test',
      client_email: 'push@mailpush-test.example',
    }),
  );

  afterAll(async () => {
    rmSync(files, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    for await (const keys of redis.scanStream({ match: `${keyPrefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  });

  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let moduleRef: TestingModule;
    let factory: FakePushProviderFactory;
    let bus: EventBus;
    let mailboxes: MailboxRepository;
    let registrations: DeviceRegistrationRepository;
    let deliveryLog: DeliveryLogRepository;
    const announced: RegistrationChange[] = [];

    beforeAll(async () => {
      db = await database.create();
      const config = loadConfig(
        { app: 'dispatcher' },
        {
          DATABASE_URL: db.url,
          SECRETS_KEY: randomBytes(32).toString('base64'),
          REDIS_URL,
          AMQP_RETRY_DELAYS_MS: '20,40',
          DISPATCH_COALESCE_MS: '600',
          DISPATCH_PUSH_ATTEMPTS: String(PUSH_ATTEMPTS),
          DISPATCH_MAX_INLINE_RETRY_MS: '1000',
          APNS_KEY_PATH: join(files, 'AuthKey.p8'),
          APNS_KEY_ID: 'KEYDEFAULT',
          APNS_TEAM_ID: 'TEAMDEFAUL',
          APNS_TOPIC: 'com.example.mail',
          FCM_SERVICE_ACCOUNT_PATH: join(files, 'service-account.json'),
          FCM_PROJECT_ID: 'mailpush-test',
        },
      );
      factory = new FakePushProviderFactory();
      moduleRef = await Test.createTestingModule({
        imports: [
          SecretsModule.forRoot(config),
          PersistenceModule.forRoot({ target: config.database.target, migrations: 'run' }),
          MessagingModule.forRoot(config),
          DispatchModule.forRoot(config, { keyPrefix, retryInitialDelayMs: 5, retryMaxDelayMs: 20 }),
        ],
      })
        .overrideProvider(PushProviderFactory)
        .useValue(factory)
        .compile();
      await moduleRef.init();
      bus = moduleRef.get(EventBus);
      mailboxes = moduleRef.get(MailboxRepository);
      registrations = moduleRef.get(DeviceRegistrationRepository);
      deliveryLog = moduleRef.get(DeliveryLogRepository);
      await bus.subscribe(RegistrationChanged, (change) => void announced.push(change), {
        group: `probe-${randomBytes(4).toString('hex')}`,
      });
    });

    afterAll(async () => {
      await moduleRef.close();
      await db.drop();
    });

    let itemSequence = 0;

    async function mailboxWithDevices(
      ...devices: { platform: 'ios' | 'android'; settings?: JsonObject; locale?: string; appId?: string }[]
    ): Promise<{ mailbox: MailboxEntity; devices: DeviceRegistrationEntity[] }> {
      const mailbox = await mailboxes.create({
        smtpAddress: `user-${randomUUID()}@example.com`,
        backend: 'graph',
        shardKey: randomUUID(),
        shard: 7,
        status: 'active',
      });
      const created: DeviceRegistrationEntity[] = [];
      for (const device of devices) {
        created.push(
          await registrations.create(mailbox.id, {
            deviceId: randomUUID(),
            platform: device.platform,
            pushToken: device.platform === 'ios' ? randomBytes(32).toString('hex') : `fcm-${randomUUID()}`,
            appId: device.appId ?? 'com.example.mail',
            environment: 'production',
            locale: device.locale ?? null,
            settings: device.settings ?? {},
            status: 'active',
            expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000),
          }),
        );
      }
      return { mailbox, devices: created };
    }

    function newMail(mailbox: MailboxEntity, overrides: Partial<MailChange> = {}): MailChange {
      const itemId = `item-${++itemSequence}`;
      return {
        changeId: mailChangeId(mailbox.id, itemId, 'new'),
        mailboxId: mailbox.id,
        smtpAddress: mailbox.smtpAddress,
        kind: 'new',
        folder: 'inbox',
        itemId,
        subject: 'Lunch?',
        from: { name: 'Grace Hopper', address: 'grace@example.com' },
        unreadCount: 3,
        source: 'test',
        ...overrides,
      };
    }

    function pushesTo(device: DeviceRegistrationEntity): RecordedPush[] {
      return factory.requestsFor(device.pushToken);
    }

    /**
     * Publishes a read change and waits until every device got it: whatever was published before has then
     * been handled (the batches of a mailbox run in order), so the counts can be checked for "nothing more".
     */
    async function settle(mailbox: MailboxEntity, devices: readonly DeviceRegistrationEntity[]): Promise<void> {
      const marker = newMail(mailbox, { kind: 'read', unreadCount: 42 });
      await bus.publish(MailChanged, marker);
      await eventually('the marker change reached every device', () =>
        devices.every((device) =>
          pushesTo(device).some((p) => p.notification.data['changeIds']?.includes(marker.changeId)),
        ),
      );
    }

    function alerts(device: DeviceRegistrationEntity): RecordedPush[] {
      return pushesTo(device).filter((p) => p.notification.kind === 'alert');
    }

    async function logOf(mailbox: MailboxEntity, device: DeviceRegistrationEntity): Promise<DeliveryLogEntity[]> {
      return (await deliveryLog.findRecentForRegistration(mailbox.id, device.id)).reverse();
    }

    async function deadLetter(id: string): Promise<{ attempts: number; reason: string } | undefined> {
      return (await bus.listDeadLetters('dispatcher', 1_000)).find((letter) => letter.id === id);
    }

    it('runs on the in-process bus here', () => {
      expect(bus).toBeInstanceOf(InProcessEventBus);
    });

    it('pushes a new message exactly once to each device, by its settings, and logs it', async () => {
      const {
        mailbox,
        devices: [iphone, android],
      } = await mailboxWithDevices(
        { platform: 'ios' },
        { platform: 'android', settings: { preview: 'none' }, locale: 'de-DE' },
      );
      if (iphone === undefined || android === undefined) throw new Error('devices not created');
      const change = newMail(mailbox);

      await bus.publish(MailChanged, change);
      await eventually('both devices pushed', () => pushesTo(iphone).length === 1 && pushesTo(android).length === 1);

      expect(pushesTo(iphone)[0]).toMatchObject({
        target: { registrationId: iphone.id, platform: 'ios', appId: 'com.example.mail', environment: 'production' },
        credential: { kind: 'apns', teamId: 'TEAMDEFAUL' },
        notification: {
          kind: 'alert',
          title: 'Grace Hopper',
          body: 'Lunch?',
          badge: 3,
          sound: 'default',
          collapseId: `mail-${mailbox.id}`,
          data: { mailbox: mailbox.smtpAddress, changeIds: change.changeId, unread: '3' },
        },
      });
      const toAndroid = pushesTo(android)[0];
      expect(toAndroid).toMatchObject({
        credential: { kind: 'fcm', projectId: 'mailpush-test' },
        notification: { kind: 'alert', title: 'Neue E-Mail', body: '1 neue Nachricht', badge: 3 },
      });
      expect(JSON.stringify(toAndroid?.notification)).not.toMatch(/Grace|Lunch/);
      await eventually('delivery log written', async () => (await logOf(mailbox, android)).length === 1);
      expect(await logOf(mailbox, iphone)).toEqual([
        expect.objectContaining({
          changeId: change.changeId,
          status: 'sent',
          providerMessageId: expect.stringMatching(/^fake-/) as unknown,
        }),
      ]);
      await eventually('last push recorded on the registration', async () => {
        const row = await registrations.findOne(mailbox.id, iphone.id);
        return row?.lastPushAt !== null;
      });
      const row = await registrations.findOne(mailbox.id, iphone.id);
      expect(row?.updatedAt).toEqual(iphone.updatedAt);
    });

    it('sends nothing more when the same change is published again', async () => {
      const { mailbox, devices } = await mailboxWithDevices({ platform: 'ios' }, { platform: 'android' });
      const change = newMail(mailbox);
      await bus.publish(MailChanged, change);
      await eventually('first pushes', () => devices.every((d) => pushesTo(d).length === 1));

      await bus.publish(MailChanged, change);
      await bus.publish(MailChanged, { ...change, source: 'graph' });
      await settle(mailbox, devices);

      for (const device of devices) expect(alerts(device)).toHaveLength(1);
    });

    it('pushes the first change of a burst at once and the rest in one push that counts all: "3 new messages"', async () => {
      const { mailbox, devices } = await mailboxWithDevices({ platform: 'ios' }, { platform: 'android', locale: 'fr' });
      const [iphone, android] = devices;
      if (iphone === undefined || android === undefined) throw new Error('devices not created');
      const burst = [
        newMail(mailbox, { subject: 'One', unreadCount: 1 }),
        newMail(mailbox, { subject: 'Two', unreadCount: 2 }),
        newMail(mailbox, { subject: 'Three', from: { name: 'Alan Turing' }, unreadCount: 5 }),
      ];

      for (const change of burst) await bus.publish(MailChanged, change);
      const covered = (device: DeviceRegistrationEntity): boolean =>
        burst.every((change) =>
          pushesTo(device).some((p) => p.notification.data['changeIds']?.includes(change.changeId)),
        );
      await eventually('every change of the burst pushed', () => covered(iphone) && covered(android));
      await settle(mailbox, devices);

      // The pushes share the mailbox's collapse id: the device shows only the last, which must tell it all.
      expect(alerts(iphone).length).toBeLessThanOrEqual(2);
      expect(alerts(iphone).at(-1)?.notification).toEqual(
        expect.objectContaining({ title: '3 new messages', body: 'Alan Turing: Three', badge: 5 }),
      );
      expect(alerts(android).length).toBeLessThanOrEqual(2);
      expect(alerts(android).at(-1)?.notification.title).toBe('3 nouveaux messages');
    });

    it('reads the devices of a mailbox again when its registrations changed', async () => {
      const {
        mailbox,
        devices: [iphone],
      } = await mailboxWithDevices({ platform: 'ios' });
      if (iphone === undefined) throw new Error('device not created');
      await bus.publish(MailChanged, newMail(mailbox));
      await eventually('first push', () => alerts(iphone).length === 1);
      const android = await registrations.create(mailbox.id, {
        deviceId: randomUUID(),
        platform: 'android',
        pushToken: `fcm-${randomUUID()}`,
        appId: 'com.example.mail',
        environment: 'production',
        status: 'active',
        expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
      });

      await bus.publish(RegistrationChanged, {
        mailboxId: mailbox.id,
        smtpAddress: mailbox.smtpAddress,
        registrationIds: [android.id],
        change: 'created',
        backend: 'graph',
        shard: 7,
        watched: true,
      });
      await eventually('event delivered', () => announced.some((c) => c.registrationIds.includes(android.id)));
      await bus.publish(MailChanged, newMail(mailbox));

      await eventually('the new device is pushed too', () => alerts(android).length === 1);
      expect(alerts(iphone)).toHaveLength(2);
    });

    it('prunes a dead token, announces it, and keeps pushing to the other device', async () => {
      const {
        mailbox,
        devices: [iphone, android],
      } = await mailboxWithDevices({ platform: 'ios' }, { platform: 'android' });
      if (iphone === undefined || android === undefined) throw new Error('devices not created');
      factory.answerNext(
        iphone.pushToken,
        failed('prune', '410 Unregistered', { httpStatus: 410, tokenInvalidSince: new Date(Date.now() + 1_000) }),
      );

      await bus.publish(MailChanged, newMail(mailbox));
      await eventually(
        'registration pruned',
        async () => (await registrations.findOne(mailbox.id, iphone.id))?.status === 'invalid',
      );
      await eventually('prune announced', () => announced.some((c) => c.mailboxId === mailbox.id));
      await bus.publish(MailChanged, newMail(mailbox));
      await eventually('the other device got both', () => alerts(android).length === 2);
      await settle(mailbox, [android]);

      expect(pushesTo(iphone)).toHaveLength(1);
      expect(announced.filter((c) => c.mailboxId === mailbox.id)).toEqual([
        {
          mailboxId: mailbox.id,
          smtpAddress: mailbox.smtpAddress,
          registrationIds: [iphone.id],
          change: 'pruned',
          backend: 'graph',
          shard: 7,
          watched: true,
        },
      ]);
      await eventually('prune logged', async () => (await logOf(mailbox, iphone)).length === 1);
      expect(await logOf(mailbox, iphone)).toEqual([
        expect.objectContaining({ status: 'pruned', error: '410 Unregistered' }),
      ]);
    });

    it('keeps a registration refreshed after the moment APNs declared its token dead', async () => {
      const {
        mailbox,
        devices: [iphone],
      } = await mailboxWithDevices({ platform: 'ios' });
      if (iphone === undefined) throw new Error('device not created');
      factory.answerNext(
        iphone.pushToken,
        failed('prune', '410 Unregistered', {
          httpStatus: 410,
          tokenInvalidSince: new Date(iphone.updatedAt.getTime() - 3_600_000),
        }),
      );
      const change = newMail(mailbox);

      const { id } = await bus.publish(MailChanged, change);
      await eventually('410 logged', async () => (await logOf(mailbox, iphone)).length === 1);
      await bus.publish(MailChanged, newMail(mailbox));
      await eventually('the next message pushed', () => alerts(iphone).length === 2);

      expect((await registrations.findOne(mailbox.id, iphone.id))?.status).toBe('active');
      expect((await logOf(mailbox, iphone))[0]).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('kept') as unknown,
      });
      await expect(deadLetter(id)).resolves.toBeUndefined();
    });

    it('retries a push that failed transiently (500, 429 with Retry-After) and delivers it', async () => {
      const {
        mailbox,
        devices: [iphone, android],
      } = await mailboxWithDevices({ platform: 'ios' }, { platform: 'android' });
      if (iphone === undefined || android === undefined) throw new Error('devices not created');
      factory.answerNext(iphone.pushToken, failed('retry', '500 InternalServerError', { httpStatus: 500 }));
      factory.answerNext(
        android.pushToken,
        failed('retry', '429 QUOTA_EXCEEDED', { httpStatus: 429, retryAfterMs: 30 }),
      );

      const change = newMail(mailbox);
      const { id } = await bus.publish(MailChanged, change);
      await eventually(
        'both delivered on the second try',
        () => pushesTo(iphone).length === 2 && pushesTo(android).length === 2,
      );
      await settle(mailbox, [iphone, android]);

      await expect(deadLetter(id)).resolves.toBeUndefined();
      const attemptsOf = async (): Promise<DeliveryLogEntity[]> =>
        (await logOf(mailbox, android)).filter((row) => row.changeId === change.changeId);
      await eventually('both tries logged', async () => (await attemptsOf()).length === 2);
      const attempts = await attemptsOf();
      expect(attempts.map((row) => row.status).sort()).toEqual(['failed', 'sent']);
      expect(attempts.find((row) => row.status === 'failed')?.error).toBe('429 QUOTA_EXCEEDED (try 1, retrying)');
    });

    it('dead-letters a change whose push keeps failing, after the in-process and the bus retries', async () => {
      const {
        mailbox,
        devices: [iphone, android],
      } = await mailboxWithDevices({ platform: 'ios' }, { platform: 'android' });
      if (iphone === undefined || android === undefined) throw new Error('devices not created');
      factory.answerAlways(iphone.pushToken, failed('retry', '503 ServiceUnavailable', { httpStatus: 503 }));

      const { id } = await bus.publish(MailChanged, newMail(mailbox));
      await eventually('dead-lettered', async () => (await deadLetter(id)) !== undefined);

      expect(await deadLetter(id)).toMatchObject({
        attempts: BUS_DELIVERIES,
        reason: expect.stringContaining('retry later') as unknown,
      });
      expect(pushesTo(iphone)).toHaveLength(PUSH_ATTEMPTS * BUS_DELIVERIES);
      expect(pushesTo(android)).toHaveLength(1);
    });

    it('dead-letters a rejected push at once, after pushing to the other device', async () => {
      const {
        mailbox,
        devices: [iphone, android],
      } = await mailboxWithDevices({ platform: 'ios' }, { platform: 'android' });
      if (iphone === undefined || android === undefined) throw new Error('devices not created');
      factory.answerAlways(iphone.pushToken, failed('reject', '413 PayloadTooLarge', { httpStatus: 413 }));

      const { id } = await bus.publish(MailChanged, newMail(mailbox));
      await eventually('dead-lettered', async () => (await deadLetter(id)) !== undefined);

      expect(await deadLetter(id)).toMatchObject({
        attempts: 1,
        reason: expect.stringContaining('rejected') as unknown,
      });
      expect(pushesTo(iphone)).toHaveLength(1);
      expect(pushesTo(android)).toHaveLength(1);
      await eventually('rejection logged', async () => (await logOf(mailbox, iphone)).length === 1);
      expect((await logOf(mailbox, iphone))[0]).toMatchObject({ status: 'rejected', error: '413 PayloadTooLarge' });
    });

    it("stops using an app's refused credential (stored, encrypted) while another app keeps sending", async () => {
      const appA = `com.example.a${randomBytes(3).toString('hex')}`;
      await moduleRef.get(PushCredentialRepository).create({
        platform: 'ios',
        appId: appA,
        environment: 'production',
        credentials: { keyPem: 'pem-of-team-a', keyId: 'KEYAAAAAAA', teamId: 'TEAMAAAAAA' },
      });
      factory.answerForTeam('TEAMAAAAAA', failed('credential', '403 InvalidProviderToken', { httpStatus: 403 }));
      const {
        mailbox,
        devices: [onA, onDefault],
      } = await mailboxWithDevices({ platform: 'ios', appId: appA }, { platform: 'ios' });
      if (onA === undefined || onDefault === undefined) throw new Error('devices not created');

      const { id } = await bus.publish(MailChanged, newMail(mailbox));
      await eventually('dead-lettered', async () => (await deadLetter(id)) !== undefined);

      expect(pushesTo(onA)).toHaveLength(1);
      expect(pushesTo(onA)[0]?.credential).toMatchObject({
        kind: 'apns',
        teamId: 'TEAMAAAAAA',
        keyPem: 'pem-of-team-a',
      });
      expect(pushesTo(onDefault)).toHaveLength(1);
      expect(await deadLetter(id)).toMatchObject({ reason: expect.stringContaining('retry later') as unknown });
    });
  });
});
