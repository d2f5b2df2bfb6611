import { Logger } from '@nestjs/common';
import { MailboxEntity, MailboxRepository, openMigratedDataSource } from '@mailpush/persistence';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { claimShard, fencedUpdate } from './fenced-update';

Logger.overrideLogger(['error', 'warn']);

/** Epochs as the lease store issues them: seconds since 2024, so larger than a 16-bit number. */
const STALE = 63_158_400;
const CURRENT = STALE + 1;

describe(fencedUpdate.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let mailboxes: MailboxRepository;
    let shard = 0;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      mailboxes = new MailboxRepository(dataSource);
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    /** A mailbox on a shard of its own, so tests do not see each other's rows. */
    async function mailbox(): Promise<MailboxEntity> {
      shard++;
      return mailboxes.create({
        smtpAddress: `user${shard}@contoso.com`,
        backend: 'graph',
        shardKey: `user${shard}`,
        shard,
        status: 'watching',
      });
    }

    function writeWatermark(row: MailboxEntity, epoch: number, watermark: string) {
      return fencedUpdate(dataSource, {
        entity: MailboxEntity,
        where: { id: row.id, shard: row.shard },
        epoch,
        set: { watermark },
      });
    }

    it("refuses a stale owner's write once the new owner has written, and applies the new owner's", async () => {
      const row = await mailbox();

      await expect(writeWatermark(row, STALE, 'delta-1')).resolves.toEqual({ applied: true, rows: 1 });
      await expect(writeWatermark(row, CURRENT, 'delta-2')).resolves.toEqual({ applied: true, rows: 1 });
      await expect(writeWatermark(row, STALE, 'delta-from-the-past')).resolves.toEqual({ applied: false, rows: 0 });
      await expect(writeWatermark(row, CURRENT, 'delta-3')).resolves.toEqual({ applied: true, rows: 1 });

      await expect(mailboxes.findOne(row.id)).resolves.toMatchObject({ watermark: 'delta-3', ownerEpoch: CURRENT });
    });

    it("refuses a stale owner's write to rows the new owner has only claimed, not written", async () => {
      const row = await mailbox();
      await writeWatermark(row, STALE, 'delta-1');

      const claim = await claimShard(dataSource, { entity: MailboxEntity, shard: row.shard, epoch: CURRENT });

      expect(claim).toEqual({ claimed: 1, newer: 0 });
      await expect(writeWatermark(row, STALE, 'delta-from-the-past')).resolves.toEqual({ applied: false, rows: 0 });
      await expect(mailboxes.findOne(row.id)).resolves.toMatchObject({ watermark: 'delta-1', ownerEpoch: CURRENT });
    });

    it('tells a claimant whose epoch is older than the rows (a newer owner exists, or lost counters)', async () => {
      const row = await mailbox();
      await writeWatermark(row, CURRENT, 'delta-1');

      const claim = await claimShard(dataSource, { entity: MailboxEntity, shard: row.shard, epoch: STALE });

      expect(claim).toEqual({ claimed: 0, newer: 1 });
      await expect(mailboxes.findOne(row.id)).resolves.toMatchObject({ ownerEpoch: CURRENT });
    });

    it("claims only the rows of its scope, so another app's owner of the same shard number keeps writing", async () => {
      const graph = await mailbox();
      const ews = await mailboxes.create({
        smtpAddress: `ews${graph.shard}@contoso.com`,
        backend: 'ews',
        shardKey: `group${graph.shard}`,
        shard: graph.shard,
        status: 'watching',
      });
      await writeWatermark(ews, STALE, 'sync-1');

      const claim = await claimShard(dataSource, {
        entity: MailboxEntity,
        shard: graph.shard,
        epoch: CURRENT,
        scope: { backend: 'graph' },
      });

      expect(claim).toEqual({ claimed: 1, newer: 0 });
      await expect(writeWatermark(ews, STALE, 'sync-2')).resolves.toEqual({ applied: true, rows: 1 });
      await expect(mailboxes.findOne(graph.id)).resolves.toMatchObject({ ownerEpoch: CURRENT });
    });

    it('does not write a mailbox that has moved to another shard', async () => {
      const row = await mailbox();

      const result = await fencedUpdate(dataSource, {
        entity: MailboxEntity,
        where: { id: row.id, shard: row.shard + 1000 },
        epoch: CURRENT,
        set: { watermark: 'wrong shard' },
      });

      expect(result).toEqual({ applied: false, rows: 0 });
      await expect(mailboxes.findOne(row.id)).resolves.toMatchObject({ watermark: null, ownerEpoch: 0 });
    });

    it('runs inside a transaction, and is undone with it', async () => {
      const row = await mailbox();

      await expect(
        dataSource.transaction(async (manager) => {
          await expect(
            fencedUpdate(manager, {
              entity: MailboxEntity,
              where: { id: row.id },
              epoch: CURRENT,
              set: { status: 'x' },
            }),
          ).resolves.toEqual({ applied: true, rows: 1 });
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');

      await expect(mailboxes.findOne(row.id)).resolves.toMatchObject({ status: 'watching', ownerEpoch: 0 });
    });

    it('refuses an update without conditions, which would fence the whole table', async () => {
      await expect(
        fencedUpdate(dataSource, { entity: MailboxEntity, where: {}, epoch: CURRENT, set: { status: 'x' } }),
      ).rejects.toThrow('at least one where condition');
    });
  });
});
