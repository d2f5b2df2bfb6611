import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@mailpush/config';
import { clientStateContext, MailboxEntity, MailboxRepository, openMigratedDataSource } from '@mailpush/persistence';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource, Repository } from 'typeorm';
import { GraphWebhookSettings, type GraphWebhookModuleOptions } from '../graph-webhook.settings';
import { TypeOrmGraphSubscriptionDirectory } from './typeorm-graph-subscription-directory.adapter';

Logger.overrideLogger(false);

describe(TypeOrmGraphSubscriptionDirectory.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let rows: Repository<MailboxEntity>;
    const secrets = new SecretBox(randomBytes(32).toString('base64'));

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      rows = dataSource.getRepository(MailboxEntity);
    });

    afterAll(async () => {
      await dataSource.destroy();
      await db.drop();
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    function directory(options: GraphWebhookModuleOptions = {}): TypeOrmGraphSubscriptionDirectory {
      const config = loadConfig({ app: 'graph-receiver' }, {});
      return new TypeOrmGraphSubscriptionDirectory(
        dataSource,
        secrets,
        GraphWebhookSettings.fromConfig(config, options),
      );
    }

    async function storeSubscription(clientState = randomBytes(16).toString('hex')) {
      const id = randomUUID();
      await new MailboxRepository(dataSource).create({
        id,
        smtpAddress: `user-${id.slice(0, 8)}@contoso.com`,
        backend: 'graph',
        shardKey: id,
        shard: 0,
        status: 'watched',
      });
      const subscriptionId = randomUUID();
      await rows.update(
        { id },
        { subscriptionId, sealedClientState: secrets.seal(clientState, clientStateContext(id)) },
      );
      return { mailboxId: id, subscriptionId, clientState };
    }

    function countQueries(): { readonly count: number } {
      const spy = jest.spyOn(rows, 'findOne');
      return {
        get count() {
          return spy.mock.calls.length;
        },
      };
    }

    it('finds a subscription and opens its clientState', async () => {
      const stored = await storeSubscription();

      await expect(directory().find(stored.subscriptionId)).resolves.toEqual({
        mailboxId: stored.mailboxId,
        clientState: stored.clientState,
      });
    });

    it('is undefined for an id no mailbox has', async () => {
      await expect(directory().find(randomUUID())).resolves.toBeUndefined();
    });

    it('answers concurrent lookups of one id with one query', async () => {
      const stored = await storeSubscription();
      const sut = directory();
      const queries = countQueries();

      const found = await Promise.all(Array.from({ length: 20 }, () => sut.find(stored.subscriptionId)));

      expect(new Set(found.map((f) => f?.mailboxId))).toEqual(new Set([stored.mailboxId]));
      expect(queries.count).toBe(1);
    });

    it('answers a known subscription from memory afterwards', async () => {
      const stored = await storeSubscription();
      const sut = directory();
      await sut.find(stored.subscriptionId);
      const queries = countQueries();

      for (let i = 0; i < 100; i += 1) await sut.find(stored.subscriptionId);

      expect(queries.count).toBe(0);
    });

    it('remembers an unknown id for a while without asking again', async () => {
      const sut = directory({ unknownSubscriptionCacheTtlMs: 60_000 });
      const { mailboxId } = await storeSubscription();
      const subscriptionId = randomUUID();
      await expect(sut.find(subscriptionId)).resolves.toBeUndefined();
      const queries = countQueries();

      await rows.update({ id: mailboxId }, { subscriptionId });

      await expect(sut.find(subscriptionId)).resolves.toBeUndefined();
      expect(queries.count).toBe(0);
    });

    it('finds a subscription stored after its id was asked for, once the short memory of unknown ids expired', async () => {
      const sut = directory({ unknownSubscriptionCacheTtlMs: 1 });
      const { mailboxId } = await storeSubscription();
      const subscriptionId = randomUUID();
      await expect(sut.find(subscriptionId)).resolves.toBeUndefined();

      await rows.update({ id: mailboxId }, { subscriptionId });
      await new Promise((resolve) => setTimeout(resolve, 10));

      await expect(sut.find(subscriptionId)).resolves.toMatchObject({ mailboxId });
    });

    it('asks again once a known subscription outlived its time to live', async () => {
      const stored = await storeSubscription();
      const sut = directory({ subscriptionCacheTtlMs: 50 });
      await sut.find(stored.subscriptionId);
      await rows.update({ id: stored.mailboxId }, { subscriptionId: null });

      await new Promise((resolve) => setTimeout(resolve, 100));

      await expect(sut.find(stored.subscriptionId)).resolves.toBeUndefined();
    });

    it('keeps no more subscriptions in memory than allowed', async () => {
      const [first, second] = [await storeSubscription(), await storeSubscription()];
      const sut = directory({ subscriptionCacheMaxEntries: 1 });
      await sut.find(first.subscriptionId);
      await sut.find(second.subscriptionId);
      const queries = countQueries();

      await sut.find(second.subscriptionId);
      await sut.find(first.subscriptionId);

      expect(queries.count).toBe(1);
    });

    it('treats a clientState that does not open (another key, or another row) as unknown', async () => {
      const stored = await storeSubscription();
      const other = await storeSubscription();
      await rows.update(
        { id: stored.mailboxId },
        { sealedClientState: secrets.seal('moved', clientStateContext(other.mailboxId)) },
      );

      await expect(directory().find(stored.subscriptionId)).resolves.toBeUndefined();
    });

    it('rejects, caching nothing, when the database cannot be asked', async () => {
      const stored = await storeSubscription();
      const sut = directory();
      jest.spyOn(rows, 'findOne').mockRejectedValueOnce(new Error('connection lost'));

      await expect(sut.find(stored.subscriptionId)).rejects.toThrow('connection lost');
      await expect(sut.find(stored.subscriptionId)).resolves.toMatchObject({ mailboxId: stored.mailboxId });
    });
  });
});
