/**
 * @jest-environment ../../shared/testing/src/lib/time-zone.environment.ts
 * @jest-environment-options {"timeZone": "America/Sao_Paulo"}
 */
import { Logger } from '@nestjs/common';
import type { DatabaseDriver } from '@mailpush/config';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { MailboxEntity } from '../entities/mailbox.entity';
import { createDataSource } from './create-data-source';
import { openMigratedDataSource } from './run-migrations';

Logger.overrideLogger(['error', 'warn']);

/** `mailbox.created_at` as the database itself renders it, without any driver conversion. */
const STORED_TEXT: Record<DatabaseDriver, string> = {
  postgres: `to_char(m.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS')`,
  mssql: 'CONVERT(varchar(23), m.created_at, 126)',
  sqlite: `replace(m.created_at, ' ', 'T')`,
};

const INSTANT = new Date('2025-06-15T12:34:56.780Z');

describe(createDataSource.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let sut: DataSource;

    beforeAll(async () => {
      db = await database.create();
      sut = await openMigratedDataSource(db.target);
    });

    afterAll(async () => {
      if (sut.isInitialized) await sut.destroy();
      await db.drop();
    });

    it('runs this suite in a time zone other than UTC (or it would prove nothing)', () => {
      expect(INSTANT.getTimezoneOffset()).not.toBe(0);
    });

    it('stores timestamps as UTC and reads them back as the same instant, whatever the time zone of the process', async () => {
      const row = Object.assign(new MailboxEntity(), {
        id: '7e57e57e-0000-4000-8000-000000000001',
        smtpAddress: 'tz@contoso.com',
        connectionId: null,
        backend: 'pending',
        shardKey: 'tz',
        shard: 1,
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
        createdAt: INSTANT,
        updatedAt: INSTANT,
      } satisfies MailboxEntity);
      await sut.getRepository(MailboxEntity).insert(row);

      const stored = await sut
        .createQueryBuilder()
        .select(STORED_TEXT[database.driver], 'created_at')
        .from(MailboxEntity, 'm')
        .where('m.id = :id', { id: row.id })
        .getRawOne<{ created_at: string }>();

      expect(stored?.created_at).toBe('2025-06-15T12:34:56.780');
      await expect(sut.getRepository(MailboxEntity).findOneByOrFail({ id: row.id })).resolves.toStrictEqual(row);
    });
  });
});
