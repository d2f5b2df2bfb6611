import { Logger } from '@nestjs/common';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { PERSISTENCE_MIGRATIONS } from '../migrations/persistence-migrations';
import { createDataSource } from './create-data-source';
import { pendingMigrations, runPendingMigrations } from './run-migrations';

Logger.overrideLogger(['error', 'warn']);

const ALL_MIGRATIONS = PERSISTENCE_MIGRATIONS.map((migration) => new migration().name);
const INSTANCES = 4;

describe(runPendingMigrations.name, () => {
  describeEachDatabase(
    (database) => {
      let db: ThrowawayDatabase;
      let instances: DataSource[];

      beforeEach(async () => {
        db = await database.create();
        instances = Array.from({ length: INSTANCES }, () => createDataSource(db.target));
        await Promise.all(instances.map((instance) => instance.initialize()));
      });

      afterEach(async () => {
        await Promise.all(instances.filter((instance) => instance.isInitialized).map((instance) => instance.destroy()));
        await db.drop();
      });

      it('lets instances starting together migrate one at a time: all succeed and each migration is applied once', async () => {
        const results = await Promise.all(instances.map((instance) => runPendingMigrations(instance)));

        expect(results.flat().sort()).toEqual([...ALL_MIGRATIONS].sort());
        expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
        const journal = (await instances[0]?.query('SELECT name FROM migrations')) as { name: string }[];
        expect(journal.map((row) => row.name).sort()).toEqual([...ALL_MIGRATIONS].sort());
        await expect(pendingMigrations(instances[1] as DataSource)).resolves.toEqual([]);
      });
    },
    // SQLite is one process's file; the standalone server has no second instance to race with.
    ['postgres', 'mssql'],
  );
});
