import { Logger } from '@nestjs/common';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { MailboxRepository, type NewMailbox } from './mailbox.repository';

Logger.overrideLogger(['error', 'warn']);

function mailbox(smtpAddress: string, shard: number): NewMailbox {
  return { smtpAddress, backend: 'graph', shardKey: smtpAddress, shard, status: 'pending' };
}

describe(MailboxRepository.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let sut: MailboxRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      sut = new MailboxRepository(dataSource);
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('joins a transaction through within(manager): a rollback takes its writes back, a commit keeps them', async () => {
      const id = '6f1f2c1e-9d3a-4d55-8f0e-2b7a1c9e0a01';

      await expect(
        dataSource.transaction(async (manager) => {
          await sut.within(manager).create({ ...mailbox('rolled-back@contoso.com', 3), id });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const kept = await dataSource.transaction((manager) =>
        sut.within(manager).create(mailbox('committed@contoso.com', 3)),
      );

      await expect(sut.findOne(id)).resolves.toBeNull();
      await expect(sut.findBySmtpAddress('committed@contoso.com')).resolves.toMatchObject({ id: kept.id });
    });

    it('creates a mailbox with no watch state yet, and finds it by id', async () => {
      const created = await sut.create(mailbox('new@contoso.com', 7));

      expect(created).toMatchObject({
        connectionId: null,
        subscriptionId: null,
        watermark: null,
        ownerEpoch: 0,
        lastEventAt: null,
      });
      await expect(sut.findOne(created.id)).resolves.toStrictEqual(created);
    });

    it('stores SMTP addresses in lower case and finds them whatever their case', async () => {
      const created = await sut.create(mailbox('Ada.Lovelace@Contoso.COM', 8));

      expect(created.smtpAddress).toBe('ada.lovelace@contoso.com');
      await expect(sut.findBySmtpAddress('ADA.LOVELACE@contoso.com')).resolves.toStrictEqual(created);
    });

    it('refuses a second mailbox with the same address', async () => {
      await sut.create(mailbox('twice@contoso.com', 9));

      await expect(sut.create(mailbox('TWICE@contoso.com', 9))).rejects.toThrow();
    });

    it('finds the mailboxes of the given shards only', async () => {
      const a = await sut.create(mailbox('a@shards.example', 100));
      const b = await sut.create(mailbox('b@shards.example', 101));
      await sut.create(mailbox('c@shards.example', 102));

      const found = await sut.findForShards([100, 101]);

      expect(found.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
      await expect(sut.findForShards([])).resolves.toEqual([]);
    });
  });
});
