import { Logger } from '@nestjs/common';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import { Like, type DataSource } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { DeliveryLogEntity } from '../entities/delivery-log.entity';
import { DeliveryLogRepository } from './delivery-log.repository';

Logger.overrideLogger(['error', 'warn']);

const MAILBOX = '11111111-1111-4111-8111-111111111111';
const OTHER_MAILBOX = '22222222-2222-4222-8222-222222222222';
const REGISTRATION = '33333333-3333-4333-8333-333333333333';

describe(DeliveryLogRepository.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let sut: DeliveryLogRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      sut = new DeliveryLogRepository(dataSource);
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it("lists a registration's latest entries of its own mailbox only, newest first", async () => {
      const rows = dataSource.getRepository(DeliveryLogEntity);
      const at = (iso: string, id: string, mailboxId = MAILBOX): DeliveryLogEntity =>
        Object.assign(new DeliveryLogEntity(), {
          id,
          registrationId: REGISTRATION,
          mailboxId,
          changeId: id,
          status: 'sent',
          providerMessageId: null,
          error: null,
          createdAt: new Date(iso),
        });
      await rows.insert([
        at('2025-01-01T00:00:00.000Z', 'a0000000-0000-4000-8000-000000000001'),
        at('2025-01-03T00:00:00.000Z', 'a0000000-0000-4000-8000-000000000003'),
        at('2025-01-02T00:00:00.000Z', 'a0000000-0000-4000-8000-000000000002'),
        at('2025-01-04T00:00:00.000Z', 'a0000000-0000-4000-8000-000000000004', OTHER_MAILBOX),
      ]);

      const found = await sut.findRecentForRegistration(MAILBOX, REGISTRATION, 2);

      expect(found.map((entry) => entry.changeId)).toEqual([
        'a0000000-0000-4000-8000-000000000003',
        'a0000000-0000-4000-8000-000000000002',
      ]);
    });

    it('cuts an over-long provider error instead of failing the insert', async () => {
      const entry = await sut.record(MAILBOX, {
        registrationId: REGISTRATION,
        changeId: 'long-error',
        status: 'failed',
        error: 'x'.repeat(5000),
      });

      const stored = await dataSource.getRepository(DeliveryLogEntity).findOneByOrFail({ id: entry.id });
      expect(stored.error).toHaveLength(2000);
    });

    it('records a batch of entries of several mailboxes in few statements', async () => {
      const entries = Array.from({ length: 450 }, (_, i) => ({
        mailboxId: i % 2 === 0 ? MAILBOX : OTHER_MAILBOX,
        registrationId: REGISTRATION,
        changeId: `batch-${i}`,
        status: 'sent',
        providerMessageId: `apns-${i}`,
      }));

      await sut.recordMany(entries);

      const stored = await dataSource
        .getRepository(DeliveryLogEntity)
        .countBy({ registrationId: REGISTRATION, status: 'sent', mailboxId: OTHER_MAILBOX });
      expect(stored).toBeGreaterThanOrEqual(225);
      const one = await dataSource.getRepository(DeliveryLogEntity).findOneByOrFail({ changeId: 'batch-449' });
      expect(one).toMatchObject({ mailboxId: OTHER_MAILBOX, providerMessageId: 'apns-449', error: null });
      await dataSource.getRepository(DeliveryLogEntity).delete({ changeId: Like('batch-%') });
    });

    it('deletes entries older than the retention cutoff, and only those', async () => {
      const kept = await sut.record(MAILBOX, { registrationId: REGISTRATION, changeId: 'recent', status: 'sent' });
      const cutoff = new Date(kept.createdAt.getTime() - 60_000);

      const deleted = await sut.deleteOlderThan(cutoff);

      expect(deleted).toBe(4);
      await expect(dataSource.getRepository(DeliveryLogEntity).countBy({})).resolves.toBe(2);
    });
  });
});
