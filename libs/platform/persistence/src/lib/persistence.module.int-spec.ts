import { randomBytes } from 'node:crypto';
import { Global, Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import { DataSource } from 'typeorm';
import { createDataSource } from './data-source/create-data-source';
import { pendingMigrations } from './data-source/run-migrations';
import { DatabaseReadinessCheck } from './database-readiness.check';
import { PERSISTENCE_MIGRATIONS } from './migrations/persistence-migrations';
import { PersistenceModule } from './persistence.module';
import { DeviceRegistrationRepository } from './repositories/device-registration.repository';
import { MailConnectionRepository } from './repositories/mail-connection.repository';

Logger.overrideLogger(['error', 'warn']);

/** Stands in for the module that provides the app's `SecretBox`. */
@Global()
@Module({
  providers: [{ provide: SecretBox, useValue: new SecretBox(randomBytes(32).toString('base64')) }],
  exports: [SecretBox],
})
class SecretsTestModule {}

describe(PersistenceModule.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;

    beforeEach(async () => {
      db = await database.create();
    });

    afterEach(async () => {
      await db.drop();
    });

    async function boot(migrations: 'run' | 'check'): Promise<INestApplicationContext> {
      const moduleRef = await Test.createTestingModule({
        imports: [SecretsTestModule, PersistenceModule.forRoot({ target: db.target, migrations })],
      }).compile();
      return moduleRef.init();
    }

    it("with migrations 'run', boots on an empty database with the schema migrated and the repositories ready", async () => {
      const sut = await boot('run');
      try {
        const dataSource = sut.get(DataSource);
        expect(dataSource.isInitialized).toBe(true);
        await expect(pendingMigrations(dataSource)).resolves.toEqual([]);
        await expect(
          sut.get(DeviceRegistrationRepository).findForMailbox('00000000-0000-4000-8000-000000000000'),
        ).resolves.toEqual([]);
        await expect(sut.get(MailConnectionRepository).list()).resolves.toEqual([]);
      } finally {
        await sut.close();
      }
    });

    it("with migrations 'check', refuses to boot while migrations are pending, naming them", async () => {
      const names = PERSISTENCE_MIGRATIONS.map((migration) => new migration().name);

      await expect(boot('check')).rejects.toThrow(new RegExp(`pending migrations: ${names.join(', ')}`));
    });

    it("with migrations 'check', boots on a database that is up to date", async () => {
      await (await boot('run')).close();

      const sut = await boot('check');

      await expect(sut.get(DatabaseReadinessCheck).check()).resolves.toBeUndefined();
      await sut.close();
    });

    it('reports the database ready, and closes its connections on shutdown', async () => {
      const sut = await boot('run');
      const dataSource = sut.get(DataSource);
      const readiness = sut.get(DatabaseReadinessCheck);
      expect(readiness.name).toBe('database');
      await expect(readiness.check()).resolves.toBeUndefined();

      await sut.close();

      expect(dataSource.isInitialized).toBe(false);
      await expect(readiness.check()).rejects.toThrow();
    });

    it('leaves the database untouched when it refuses to boot', async () => {
      await expect(boot('check')).rejects.toThrow();

      const probe = createDataSource(db.target);
      await probe.initialize();
      try {
        await expect(probe.query('SELECT COUNT(*) AS n FROM mailbox')).rejects.toThrow();
      } finally {
        await probe.destroy();
      }
    });
  });
});
