import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { MailConnectionEntity } from '../entities/mail-connection.entity';
import { MailConnectionRepository } from './mail-connection.repository';

Logger.overrideLogger(['error', 'warn']);

const PASSWORD = 'S3cret-EWS-password!';

describe(MailConnectionRepository.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let secrets: SecretBox;
    let sut: MailConnectionRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      secrets = new SecretBox(randomBytes(32).toString('base64'));
      sut = new MailConnectionRepository(dataSource, secrets);
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('stores credentials sealed, never as plaintext', async () => {
      const created = await sut.create({
        kind: 'ews',
        name: 'on-prem',
        domains: ['Contoso.com'],
        credentials: { username: 'svc-mailpush', password: PASSWORD },
      });

      const row = await dataSource.getRepository(MailConnectionEntity).findOneByOrFail({ id: created.id });
      expect(row.sealedCredentials).not.toContain(PASSWORD);
      expect(row.sealedCredentials).not.toContain('svc-mailpush');
      expect(secrets.open(row.sealedCredentials, `mail_connection:${created.id}:credentials`)).toContain(PASSWORD);
      expect(row.domains).toEqual(['contoso.com']);
    });

    it('opens the credentials of the connection they were sealed for', async () => {
      const created = await sut.create({
        kind: 'graph',
        name: 'online',
        domains: ['contoso.onmicrosoft.com'],
        credentials: { tenantId: 't', clientId: 'c', clientSecret: PASSWORD },
      });

      await expect(sut.readCredentials(created.id)).resolves.toEqual({
        tenantId: 't',
        clientId: 'c',
        clientSecret: PASSWORD,
      });
      await expect(sut.readCredentials('00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();
    });

    it("refuses credentials copied from another connection's row", async () => {
      const a = await sut.create({ kind: 'ews', name: 'a', domains: [], credentials: { password: 'a' } });
      const b = await sut.create({ kind: 'ews', name: 'b', domains: [], credentials: { password: 'b' } });
      const rows = dataSource.getRepository(MailConnectionEntity);
      await rows.update(
        { id: b.id },
        { sealedCredentials: (await rows.findOneByOrFail({ id: a.id })).sealedCredentials },
      );

      await expect(sut.readCredentials(b.id)).rejects.toThrow(/authentication/);
    });

    it('replaces credentials, sealed again', async () => {
      const created = await sut.create({
        kind: 'ews',
        name: 'rotating',
        domains: [],
        credentials: { password: 'old' },
      });

      await expect(sut.replaceCredentials(created.id, { password: PASSWORD })).resolves.toBe(true);

      await expect(sut.readCredentials(created.id)).resolves.toEqual({ password: PASSWORD });
      const row = await dataSource.getRepository(MailConnectionEntity).findOneByOrFail({ id: created.id });
      expect(row.sealedCredentials).not.toContain(PASSWORD);
      await expect(sut.replaceCredentials('00000000-0000-4000-8000-000000000000', { password: 'x' })).resolves.toBe(
        false,
      );
    });

    it('finds a connection by id and lists them by name', async () => {
      const found = await sut.findOne(
        (await sut.create({ kind: 'graph', name: 'zz-last', domains: [], credentials: {} })).id,
      );

      expect(found?.name).toBe('zz-last');
      const names = (await sut.list()).map((connection) => connection.name);
      expect(names).toEqual([...names].sort());
      expect(names.at(-1)).toBe('zz-last');
    });
    it('saves a connection by name: created once, then brought up to date, also when replicas race', async () => {
      const input = {
        kind: 'graph' as const,
        name: 'environment-graph',
        domains: ['Contoso.com'],
        credentials: { clientSecret: 'first' },
        settings: { tenantId: 't1' },
      };
      const [a, b] = await Promise.all([sut.saveByName(input), sut.saveByName(input)]);
      expect(a.id).toBe(b.id);

      const updated = await sut.saveByName({
        ...input,
        domains: ['fabrikam.com'],
        credentials: { clientSecret: 'second' },
      });

      expect(updated.id).toBe(a.id);
      expect((await sut.findByName('environment-graph'))?.domains).toEqual(['fabrikam.com']);
      await expect(sut.readCredentials(a.id)).resolves.toEqual({ clientSecret: 'second' });
    });
  });
});
