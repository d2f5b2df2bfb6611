import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { MailConnectionRepository, openMigratedDataSource } from '@mailpush/persistence';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { ConnectionDomainResolver } from './connection-domain-resolver.adapter';

Logger.overrideLogger(['error', 'warn']);

const MAILBOX_ID = '5c1a9e2b-7d3f-4a6b-8c9d-0e1f2a3b4c5d';

describe(ConnectionDomainResolver.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let connections: MailConnectionRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      connections = new MailConnectionRepository(dataSource, new SecretBox(randomBytes(32).toString('base64')));
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('leaves a mailbox pending while no Graph connection lists its domain', async () => {
      await connections.create({ kind: 'ews', name: 'on-prem', domains: ['contoso.com'], credentials: {} });

      await expect(new ConnectionDomainResolver(connections).resolve('a@contoso.com', MAILBOX_ID)).resolves.toEqual({
        backend: 'pending',
        connectionId: null,
        shardKey: MAILBOX_ID,
        affinityGroup: null,
      });
    });

    it('places a mailbox on the Graph connection naming its domain before one listing *, sharded by its id', async () => {
      const named = await connections.create({
        kind: 'graph',
        name: 'fabrikam',
        domains: ['fabrikam.com'],
        credentials: {},
      });
      const wildcard = await connections.create({ kind: 'graph', name: 'any', domains: ['*'], credentials: {} });
      await connections.create({
        kind: 'graph',
        name: 'off',
        domains: ['off.example'],
        credentials: {},
        enabled: false,
      });
      const sut = new ConnectionDomainResolver(connections);

      await expect(sut.resolve('Bob@Fabrikam.com', MAILBOX_ID)).resolves.toEqual({
        backend: 'graph',
        connectionId: named.id,
        shardKey: MAILBOX_ID,
        affinityGroup: null,
      });
      await expect(sut.resolve('c@elsewhere.example', MAILBOX_ID)).resolves.toMatchObject({
        backend: 'graph',
        connectionId: wildcard.id,
      });
      await expect(sut.resolve('d@off.example', MAILBOX_ID)).resolves.toMatchObject({ connectionId: wildcard.id });
    });

    it('leaves the domains an EWS connection names to Autodiscover, and every unnamed one once EWS lists *', async () => {
      const sut = new ConnectionDomainResolver(connections);
      // contoso.com is named by the EWS connection of the first test; the Graph `*` of the second does not take it.
      await expect(sut.resolve('e@contoso.com', MAILBOX_ID)).resolves.toMatchObject({ backend: 'pending' });

      await connections.create({ kind: 'ews', name: 'on-prem-rest', domains: ['*'], credentials: {} });
      const fresh = new ConnectionDomainResolver(connections);

      await expect(fresh.resolve('f@elsewhere.example', MAILBOX_ID)).resolves.toMatchObject({ backend: 'pending' });
      await expect(fresh.resolve('g@fabrikam.com', MAILBOX_ID)).resolves.toMatchObject({ backend: 'graph' });
    });
  });
});
