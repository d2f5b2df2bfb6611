import { Logger } from '@nestjs/common';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { AuditLogEntity } from './audit-log.entity';
import { DeliveryLogEntity } from './delivery-log.entity';
import { DeviceRegistrationEntity } from './device-registration.entity';
import { MailConnectionEntity } from './mail-connection.entity';
import { MailboxEntity } from './mailbox.entity';
import { PERSISTENCE_ENTITIES } from './persistence-entities';
import { PushCredentialEntity } from './push-credential.entity';

Logger.overrideLogger(['error', 'warn']);

// Whole multiples of 10 ms: SQL Server's `datetime` stores 1/300 s ticks, which represent these exactly.
const T1 = new Date('2025-03-30T01:59:58.120Z');
const T2 = new Date('2025-10-26T23:00:00.990Z');
const T3 = new Date('2030-01-01T00:00:00.000Z');

function build<T extends object>(entity: new () => T, values: T): T {
  return Object.assign(new entity(), values);
}

const connection = build(MailConnectionEntity, {
  id: '0f8a2bde-5d3a-4c1e-9a59-6a0e0f3b1c11',
  kind: 'ews',
  name: 'Contoso on-premises — Zürich',
  domains: ['contoso.com', 'zürich.contoso.ch'],
  sealedCredentials: `v1.abcdefgh.${'x'.repeat(6000)}`,
  settings: {
    url: 'https://mail.contoso.com/EWS/Exchange.asmx',
    mode: 'streaming',
    groups: [1, 2.5, null],
    nested: { ok: true },
  },
  enabled: true,
  createdAt: T1,
  updatedAt: T2,
});

const fullMailbox = build(MailboxEntity, {
  id: '6d0c7d55-7a0e-4a43-8f7e-7f1c3b9e2a01',
  smtpAddress: 'ada.lovelace@contoso.com',
  connectionId: connection.id,
  backend: 'ews',
  shardKey: 'https://mail.contoso.com/EWS/Exchange.asmx|GroupingInformation=DAG-01',
  shard: 255,
  affinityGroup: 'https://mail.contoso.com/EWS/Exchange.asmx|DAG-01',
  subscriptionId: 'AQAAAA==',
  subscriptionExpiresAt: T3,
  watermark: `AQAAAJ${'w'.repeat(12000)}`,
  sealedClientState: `v1.key.${'s'.repeat(300)}`,
  status: 'watching',
  syncRequest: 'catch-up',
  watchError: 'ErrorServerBusy: '.padEnd(1000, 'x'),
  ownerEpoch: 2147483647,
  lastEventAt: T2,
  createdAt: T1,
  updatedAt: T2,
});

const bareMailbox = build(MailboxEntity, {
  id: '6d0c7d55-7a0e-4a43-8f7e-7f1c3b9e2a02',
  smtpAddress: 'grace.hopper@contoso.com',
  connectionId: null,
  backend: 'pending',
  shardKey: '6d0c7d55-7a0e-4a43-8f7e-7f1c3b9e2a02',
  shard: 0,
  affinityGroup: null,
  subscriptionId: null,
  subscriptionExpiresAt: null,
  watermark: null,
  sealedClientState: null,
  status: 'pending',
  syncRequest: null,
  watchError: null,
  ownerEpoch: 0,
  lastEventAt: null,
  createdAt: T1,
  updatedAt: T1,
});

const fullRegistration = build(DeviceRegistrationEntity, {
  id: 'a3c6e2f1-0b7d-4f9e-8c21-2f1d4e5a6b01',
  mailboxId: fullMailbox.id,
  deviceId: 'device-1',
  platform: 'ios',
  pushToken: 'f'.repeat(1024),
  appId: 'com.contoso.mail',
  environment: 'sandbox',
  locale: 'de-CH',
  settings: {
    preview: 'sender',
    folders: ['Inbox', 'VIP'],
    quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Zurich' },
    badge: false,
  },
  status: 'active',
  expiresAt: T3,
  failureCount: 3,
  lastPushAt: T2,
  createdAt: T1,
  updatedAt: T2,
});

const bareRegistration = build(DeviceRegistrationEntity, {
  id: 'a3c6e2f1-0b7d-4f9e-8c21-2f1d4e5a6b02',
  mailboxId: fullMailbox.id,
  deviceId: 'device-2',
  platform: 'android',
  pushToken: 'fcm-token',
  appId: 'com.contoso.mail',
  environment: 'production',
  locale: null,
  settings: {},
  status: 'active',
  expiresAt: T3,
  failureCount: 0,
  lastPushAt: null,
  createdAt: T1,
  updatedAt: T1,
});

const pushCredential = build(PushCredentialEntity, {
  id: 'c1d2e3f4-a5b6-4c7d-8e9f-000000000001',
  platform: 'ios',
  appId: 'com.contoso.mail',
  environment: 'production',
  sealedCredentials: 'v1.abcdefgh.iv.tag.ciphertext',
  enabled: false,
  createdAt: T1,
  updatedAt: T2,
});

const fullDelivery = build(DeliveryLogEntity, {
  id: 'd0000000-0000-4000-8000-000000000001',
  registrationId: fullRegistration.id,
  mailboxId: fullMailbox.id,
  changeId: `${fullMailbox.id}:AAMkAGI2${'i'.repeat(300)}:created`,
  status: 'failed',
  providerMessageId: 'apns-id-0001',
  error: 'BadDeviceToken: ünknown token'.padEnd(2000, '.'),
  createdAt: T2,
});

const bareDelivery = build(DeliveryLogEntity, {
  id: 'd0000000-0000-4000-8000-000000000002',
  registrationId: fullRegistration.id,
  mailboxId: fullMailbox.id,
  changeId: 'change-2',
  status: 'sent',
  providerMessageId: null,
  error: null,
  createdAt: T1,
});

const audit = build(AuditLogEntity, {
  id: 'e0000000-0000-4000-8000-000000000001',
  actor: 'admin@contoso.com',
  action: 'mail_connection.create',
  targetType: 'mail_connection',
  targetId: connection.id,
  details: { name: connection.name, domains: connection.domains, count: 2, enabled: true, previous: null },
  createdAt: T3,
});

/** Rows in insertion order (parents first), each with every column set; some with every nullable column null. */
const SAMPLES: readonly [EntityTarget<ObjectLiteral>, ObjectLiteral][] = [
  [MailConnectionEntity, connection],
  [MailboxEntity, fullMailbox],
  [MailboxEntity, bareMailbox],
  [DeviceRegistrationEntity, fullRegistration],
  [DeviceRegistrationEntity, bareRegistration],
  [PushCredentialEntity, pushCredential],
  [DeliveryLogEntity, fullDelivery],
  [DeliveryLogEntity, bareDelivery],
  [AuditLogEntity, audit],
];

describe('PERSISTENCE_ENTITIES', () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let sut: DataSource;

    beforeAll(async () => {
      db = await database.create();
      sut = await openMigratedDataSource(db.target);
      for (const [entity, row] of SAMPLES) await sut.getRepository(entity).insert(row);
    });

    afterAll(async () => {
      if (sut.isInitialized) await sut.destroy();
      await db.drop();
    });

    it('has samples that set every column of every entity', () => {
      for (const entity of PERSISTENCE_ENTITIES) {
        const columns = sut
          .getMetadata(entity)
          .columns.map((column) => column.propertyName)
          .sort();
        const samples = SAMPLES.filter(([target]) => target === entity);
        expect(samples.length).toBeGreaterThan(0);
        for (const [, row] of samples) expect(Object.keys(row).sort()).toEqual(columns);
      }
    });

    it.each(
      SAMPLES.map(
        ([entity, row]) => [`${(entity as { name: string }).name} ${String(row['id'])}`, entity, row] as const,
      ),
    )('reads back %s exactly as written', async (_, entity, row) => {
      await expect(sut.getRepository(entity).findOneByOrFail({ id: row['id'] as string })).resolves.toStrictEqual(row);
    });
  });
});
