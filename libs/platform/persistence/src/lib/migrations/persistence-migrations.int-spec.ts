import { Logger } from '@nestjs/common';
import type { DatabaseDriver } from '@mailpush/config';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/create-data-source';
import { pendingMigrations, runPendingMigrations } from '../data-source/run-migrations';
import { PERSISTENCE_ENTITIES } from '../entities/persistence-entities';
import { PERSISTENCE_MIGRATIONS } from './persistence-migrations';

const ALL_MIGRATIONS = PERSISTENCE_MIGRATIONS.map((migration) => new migration().name);
/** Tables TypeORM keeps for itself (the applied-migrations journal). */
const TYPEORM_TABLES = ['migrations', 'typeorm_metadata'];

const LIST_TABLES: Record<DatabaseDriver, string> = {
  postgres:
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  mssql: "SELECT TABLE_NAME AS table_name FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE'",
  sqlite: "SELECT name AS table_name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
};

/** Every table in the database except TypeORM's own. */
async function userTables(dataSource: DataSource, driver: DatabaseDriver): Promise<string[]> {
  const rows = (await dataSource.query(LIST_TABLES[driver])) as { table_name: string }[];
  return rows
    .map((row) => row.table_name)
    .filter((name) => !TYPEORM_TABLES.includes(name))
    .sort();
}

/** The statements TypeORM would run to make the schema match the entities: none, if every change has a migration. */
async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

function entityTables(dataSource: DataSource): string[] {
  return PERSISTENCE_ENTITIES.map((entity) => dataSource.getMetadata(entity).tableName).sort();
}

async function undoAll(dataSource: DataSource): Promise<void> {
  for (let i = 0; i < ALL_MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
}

Logger.overrideLogger(['error', 'warn']);

describe('PERSISTENCE_MIGRATIONS', () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let sut: DataSource;

    beforeEach(async () => {
      db = await database.create();
      sut = createDataSource(db.target);
      await sut.initialize();
    });

    afterEach(async () => {
      if (sut.isInitialized) await sut.destroy();
      await db.drop();
    });

    it('applies every migration to an empty database once, creating every entity table', async () => {
      await expect(pendingMigrations(sut)).resolves.toEqual(ALL_MIGRATIONS);

      await expect(runPendingMigrations(sut)).resolves.toEqual(ALL_MIGRATIONS);

      await expect(pendingMigrations(sut)).resolves.toEqual([]);
      await expect(userTables(sut, database.driver)).resolves.toEqual(entityTables(sut));
      await expect(runPendingMigrations(sut)).resolves.toEqual([]);
    });

    it('leaves no difference between the migrated schema and the entities (every entity change has a migration)', async () => {
      await runPendingMigrations(sut);

      await expect(schemaDrift(sut)).resolves.toEqual([]);
    });

    it('reverts every migration, leaving no table behind', async () => {
      await runPendingMigrations(sut);

      await undoAll(sut);

      await expect(userTables(sut, database.driver)).resolves.toEqual([]);
      await expect(pendingMigrations(sut)).resolves.toEqual(ALL_MIGRATIONS);
    });

    it('migrates up again after a full revert, to the same schema', async () => {
      await runPendingMigrations(sut);
      await undoAll(sut);

      await expect(runPendingMigrations(sut)).resolves.toEqual(ALL_MIGRATIONS);

      await expect(userTables(sut, database.driver)).resolves.toEqual(entityTables(sut));
      await expect(schemaDrift(sut)).resolves.toEqual([]);
    });
  });
});
