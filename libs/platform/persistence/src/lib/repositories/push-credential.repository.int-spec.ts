import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { PushCredentialEntity } from '../entities/push-credential.entity';
import { PushCredentialRepository } from './push-credential.repository';

Logger.overrideLogger(['error', 'warn']);

const KEY_PEM =
  '-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----';

describe(PushCredentialRepository.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let sut: PushCredentialRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      sut = new PushCredentialRepository(dataSource, new SecretBox(randomBytes(32).toString('base64')));
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('stores credentials sealed, and opens them again', async () => {
      const created = await sut.create({
        platform: 'ios',
        appId: 'com.contoso.mail',
        environment: 'production',
        credentials: { keyPem: KEY_PEM, keyId: 'ABC123' },
      });

      const row = await dataSource.getRepository(PushCredentialEntity).findOneByOrFail({ id: created.id });
      expect(row.sealedCredentials).not.toContain('PRIVATE KEY');
      expect(row.sealedCredentials).not.toContain('ABC123');
      await expect(sut.readCredentials(created.id)).resolves.toEqual({ keyPem: KEY_PEM, keyId: 'ABC123' });
    });

    it('finds the credential of one platform, app and environment', async () => {
      const sandbox = await sut.create({
        platform: 'ios',
        appId: 'com.contoso.mail',
        environment: 'sandbox',
        credentials: { keyId: 'S' },
      });
      await sut.create({
        platform: 'android',
        appId: 'com.contoso.mail',
        environment: 'sandbox',
        credentials: { projectId: 'p' },
      });

      await expect(sut.findFor('ios', 'com.contoso.mail', 'sandbox')).resolves.toStrictEqual(sandbox);
      await expect(sut.findFor('ios', 'com.other.app', 'sandbox')).resolves.toBeNull();
    });

    it('refuses a second credential for the same platform, app and environment', async () => {
      await sut.create({ platform: 'android', appId: 'com.twice', environment: 'production', credentials: {} });

      await expect(
        sut.create({ platform: 'android', appId: 'com.twice', environment: 'production', credentials: {} }),
      ).rejects.toThrow();
    });
  });
});
