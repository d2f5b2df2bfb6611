import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  clientStateContext,
  MailboxEntity,
  MailboxRepository,
  MailConnectionRepository,
  openMigratedDataSource,
  type NewMailbox,
} from '@mailpush/persistence';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { GraphMailboxStore } from './graph-mailbox.store';

Logger.overrideLogger(['error', 'warn']);

describe(GraphMailboxStore.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let secrets: SecretBox;
    let mailboxes: MailboxRepository;
    let sut: GraphMailboxStore;

    const create = (smtpAddress: string, shard: number, extra: Partial<NewMailbox> = {}): Promise<MailboxEntity> =>
      mailboxes.create({
        smtpAddress,
        backend: 'graph',
        shardKey: smtpAddress,
        shard,
        status: 'watched',
        connectionId: null,
        ...extra,
      });
    const reload = async (row: MailboxEntity): Promise<MailboxEntity> =>
      dataSource.getRepository(MailboxEntity).findOneByOrFail({ id: row.id });

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      secrets = new SecretBox(randomBytes(32).toString('base64'));
      mailboxes = new MailboxRepository(dataSource);
      sut = new GraphMailboxStore(dataSource, secrets);
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('finds the mailboxes of owned shards that need work, and only those', async () => {
      const unsubscribed = await create('needs-subscription@contoso.com', 11);
      const subscribed = await create('fine@contoso.com', 11);
      await sut.saveSubscription(subscribed, 1, { id: 'sub-fine', expiresAt: new Date(), clientState: 'x' });
      const unwatched = await create('gone@contoso.com', 11, { status: 'unwatched' });
      await sut.saveSubscription(unwatched, 1, { id: 'sub-gone', expiresAt: new Date(), clientState: 'x' });
      const requested = await create('missed@contoso.com', 11);
      await sut.saveSubscription(requested, 1, { id: 'sub-missed', expiresAt: new Date(), clientState: 'x' });
      await sut.requestSync(requested.id, 'catch-up');
      await create('elsewhere@contoso.com', 12);
      await create('pending@contoso.com', 11, { backend: 'pending' });
      await create('idle@contoso.com', 11, { status: 'unwatched' });

      const ids = (await sut.needingWork([11])).map((row) => row.smtpAddress).sort();

      expect(ids).toEqual([unsubscribed.smtpAddress, unwatched.smtpAddress, requested.smtpAddress].sort());
      await expect(sut.needingWork([])).resolves.toEqual([]);
    });

    it('keeps the clientState sealed for the mailbox it belongs to', async () => {
      const row = await create('sealed@contoso.com', 13);

      await sut.saveSubscription(row, 1, { id: 'sub-sealed', expiresAt: new Date(), clientState: 'the-secret' });

      const stored = await reload(row);
      expect(stored.sealedClientState).not.toContain('the-secret');
      expect(secrets.open(stored.sealedClientState ?? '', clientStateContext(row.id))).toBe('the-secret');
      expect(sut.openClientState(stored)).toBe('the-secret');
    });

    it('lets a stronger sync request replace a weaker one, never the reverse', async () => {
      const row = await create('requests@contoso.com', 14);

      await sut.requestSync(row.id, 'catch-up');
      await sut.requestSync(row.id, 'recreate');
      await sut.requestSync(row.id, 'reauthorize');

      expect((await reload(row)).syncRequest).toBe('recreate');
    });

    it('clears a sync request only if it is still the one that was done', async () => {
      const row = await create('clear@contoso.com', 15);
      await sut.requestSync(row.id, 'catch-up');
      await sut.requestSync(row.id, 'reauthorize');

      await expect(sut.clearSyncRequest(row, 1, 'catch-up')).resolves.toBe(false);
      expect((await reload(row)).syncRequest).toBe('reauthorize');
      await expect(sut.clearSyncRequest(row, 1, 'reauthorize')).resolves.toBe(true);
      expect((await reload(row)).syncRequest).toBeNull();
    });

    it('refuses the writes of a former owner once the shard is claimed with a newer epoch', async () => {
      const row = await create('fenced@contoso.com', 16);
      await sut.claim(16, 5);

      await expect(sut.saveDeltaLink(row, 4, 'https://graph/delta?old')).resolves.toBe(false);
      await expect(sut.saveDeltaLink(row, 5, 'https://graph/delta?new')).resolves.toBe(true);
      expect((await reload(row)).watermark).toBe('https://graph/delta?new');
    });

    it('adopts pending mailboxes of its domains, and with * those of domains nobody else lists', async () => {
      const connection = await new MailConnectionRepository(dataSource, secrets).create({
        kind: 'graph',
        name: 'adopting',
        domains: ['adopt.example'],
        credentials: {},
      });
      const connectionId = connection.id;
      const mine = await create('a@adopt.example', 17, { backend: 'pending' });
      const other = await create('b@ews.example', 17, { backend: 'pending' });
      const stray = await create('c@stray.example', 17, { backend: 'pending' });

      await expect(sut.adoptPending(connectionId, ['adopt.example'], [])).resolves.toBe(1);
      expect(await reload(mine)).toMatchObject({ backend: 'graph', connectionId });
      await sut.adoptPending(connectionId, ['*'], ['ews.example']);

      expect((await reload(other)).backend).toBe('pending');
      expect(await reload(stray)).toMatchObject({ backend: 'graph', connectionId });
    });
  });
});
