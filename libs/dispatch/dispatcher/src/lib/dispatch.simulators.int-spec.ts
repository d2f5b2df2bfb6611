import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig } from '@mailpush/config';
import { MailChanged, mailChangeId, type MailChange } from '@mailpush/contracts';
import { EventBus, MessagingModule } from '@mailpush/messaging';
import {
  DeviceRegistrationRepository,
  MailboxRepository,
  PersistenceModule,
  type DeviceRegistrationEntity,
  type MailboxEntity,
} from '@mailpush/persistence';
import { SecretsModule } from '@mailpush/secrets';
import { ApnsSimulator, FcmSimulator } from '@mailpush/simulators';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import { DispatchModule } from './dispatch.module';

Logger.overrideLogger(false);

const APP_ID = 'com.example.mailpush';
const PROJECT_ID = 'mailpush-dispatch-test';

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

/**
 * The dispatcher as production runs it (the real APNs and FCM adapters, in-process de-duplication as in the
 * standalone server) against the APNs and FCM simulators on real sockets.
 */
describe(`${DispatchModule.name} against the APNs and FCM simulators`, () => {
  describeEachDatabase(
    (database) => {
      const files = mkdtempSync(join(tmpdir(), 'mailpush-dispatch-wire-'));
      let db: ThrowawayDatabase;
      let apns: ApnsSimulator;
      let fcm: FcmSimulator;
      let moduleRef: TestingModule;
      let bus: EventBus;
      let mailboxes: MailboxRepository;
      let registrations: DeviceRegistrationRepository;

      beforeAll(async () => {
        db = await database.create();
        apns = await ApnsSimulator.start({ port: 0 });
        fcm = await FcmSimulator.start({ port: 0 });
        const key = ApnsSimulator.generateKey();
        apns.registerKey(key, [APP_ID]);
        writeFileSync(join(files, 'AuthKey.p8'), key.privateKeyPem);
        writeFileSync(join(files, 'service-account.json'), JSON.stringify(fcm.createServiceAccount(PROJECT_ID)));
        writeFileSync(join(files, 'apns-ca.pem'), apns.caPem);
        writeFileSync(join(files, 'fcm-ca.pem'), fcm.caPem);
        const config = loadConfig(
          { app: 'dispatcher' },
          {
            DATABASE_URL: db.url,
            SECRETS_KEY: randomBytes(32).toString('base64'),
            AMQP_RETRY_DELAYS_MS: '20,40',
            DISPATCH_COALESCE_MS: '50',
            APNS_KEY_PATH: join(files, 'AuthKey.p8'),
            APNS_KEY_ID: key.keyId,
            APNS_TEAM_ID: key.teamId,
            APNS_TOPIC: APP_ID,
            APNS_HOST: apns.host,
            APNS_PORT: String(apns.port),
            APNS_CA_PATH: join(files, 'apns-ca.pem'),
            FCM_SERVICE_ACCOUNT_PATH: join(files, 'service-account.json'),
            FCM_PROJECT_ID: PROJECT_ID,
            FCM_ENDPOINT: fcm.url,
            FCM_TOKEN_URL: fcm.tokenUrl,
            FCM_CA_PATH: join(files, 'fcm-ca.pem'),
          },
        );
        moduleRef = await Test.createTestingModule({
          imports: [
            SecretsModule.forRoot(config),
            PersistenceModule.forRoot({ target: config.database.target, migrations: 'run' }),
            MessagingModule.forRoot(config),
            DispatchModule.forRoot(config, { retryInitialDelayMs: 5, retryMaxDelayMs: 20 }),
          ],
        }).compile();
        await moduleRef.init();
        bus = moduleRef.get(EventBus);
        mailboxes = moduleRef.get(MailboxRepository);
        registrations = moduleRef.get(DeviceRegistrationRepository);
      });

      afterAll(async () => {
        await moduleRef.close();
        await apns.close();
        await fcm.close();
        await db.drop();
        rmSync(files, { recursive: true, force: true });
      });

      async function mailboxWithPhones(): Promise<{
        mailbox: MailboxEntity;
        iphone: DeviceRegistrationEntity;
        android: DeviceRegistrationEntity;
      }> {
        const mailbox = await mailboxes.create({
          smtpAddress: `user-${randomUUID()}@example.com`,
          backend: 'ews',
          shardKey: randomUUID(),
          shard: 3,
          status: 'active',
        });
        const register = (platform: 'ios' | 'android'): Promise<DeviceRegistrationEntity> =>
          registrations.create(mailbox.id, {
            deviceId: randomUUID(),
            platform,
            pushToken:
              platform === 'ios' ? randomBytes(32).toString('hex') : `fcm:${randomBytes(60).toString('base64url')}`,
            appId: APP_ID,
            environment: 'production',
            settings: { preview: 'full', sound: 'chime.caf' },
            status: 'active',
            expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
          });
        return { mailbox, iphone: await register('ios'), android: await register('android') };
      }

      let item = 0;
      function newMail(mailbox: MailboxEntity, overrides: Partial<MailChange> = {}): MailChange {
        const itemId = `AAMkAD-${++item}`;
        return {
          changeId: mailChangeId(mailbox.id, itemId, 'new'),
          mailboxId: mailbox.id,
          smtpAddress: mailbox.smtpAddress,
          kind: 'new',
          folder: 'inbox',
          itemId,
          subject: 'Quarterly numbers',
          from: { name: 'Ada Lovelace', address: 'ada@example.com' },
          unreadCount: 2,
          source: 'ews',
          ...overrides,
        };
      }

      it('pushes a new message once through APNs and once through FCM, as the providers document', async () => {
        const { mailbox, iphone, android } = await mailboxWithPhones();
        const change = newMail(mailbox);

        await bus.publish(MailChanged, change);
        await eventually(
          'both providers called',
          () =>
            apns.requests({ token: iphone.pushToken }).length === 1 &&
            fcm.requests({ token: android.pushToken }).length === 1,
        );
        await bus.publish(MailChanged, change);
        const marker = newMail(mailbox, { kind: 'unread-count', unreadCount: 1 });
        await bus.publish(MailChanged, marker);
        await eventually(
          'the marker pushed',
          () =>
            apns.requests({ token: iphone.pushToken }).length === 2 &&
            fcm.requests({ token: android.pushToken }).length === 2,
        );

        const [toIphone, badgeToIphone] = apns.requests({ token: iphone.pushToken });
        expect(toIphone).toMatchObject({
          status: 200,
          headers: {
            'apns-topic': APP_ID,
            'apns-push-type': 'alert',
            'apns-collapse-id': `mail-${mailbox.id}`,
          },
          payload: {
            aps: { alert: { title: 'Ada Lovelace', body: 'Quarterly numbers' }, badge: 2, sound: 'chime.caf' },
            mailbox: mailbox.smtpAddress,
            changeIds: change.changeId,
          },
        });
        expect(badgeToIphone).toMatchObject({ status: 200, headers: { 'apns-push-type': 'background' } });
        const [toAndroid] = fcm.requests({ token: android.pushToken });
        expect(toAndroid).toMatchObject({
          status: 200,
          projectId: PROJECT_ID,
          message: { data: { mailbox: mailbox.smtpAddress, changeIds: change.changeId, unread: '2' } },
        });
        expect(JSON.stringify(toAndroid?.message)).toContain('Ada Lovelace');
      });

      it('retries a 500 from APNs and delivers; prunes the FCM token FCM calls UNREGISTERED', async () => {
        const { mailbox, iphone, android } = await mailboxWithPhones();
        apns.script(iphone.pushToken, { status: 500, reason: 'InternalServerError', times: 1 });
        fcm.script(android.pushToken, { errorCode: 'UNREGISTERED' });

        await bus.publish(MailChanged, newMail(mailbox));
        await eventually('android registration pruned', async () => {
          return (await registrations.findOne(mailbox.id, android.id))?.status === 'invalid';
        });
        await eventually('iphone delivered on the second try', () =>
          apns.requests({ token: iphone.pushToken }).some((request) => request.status === 200),
        );

        expect(apns.requests({ token: iphone.pushToken }).map((request) => request.status)).toEqual([500, 200]);
        expect(fcm.requests({ token: android.pushToken })).toHaveLength(1);
        expect((await registrations.findOne(mailbox.id, iphone.id))?.status).toBe('active');
      });

      it('prunes an APNs token answered 410 Unregistered after the registration was last refreshed', async () => {
        const { mailbox, iphone } = await mailboxWithPhones();
        apns.script(iphone.pushToken, { status: 410, reason: 'Unregistered', timestamp: Date.now() + 1_000 });

        await bus.publish(MailChanged, newMail(mailbox));

        await eventually('iphone registration pruned', async () => {
          return (await registrations.findOne(mailbox.id, iphone.id))?.status === 'invalid';
        });
      });
    },
    ['sqlite'],
  );
});
