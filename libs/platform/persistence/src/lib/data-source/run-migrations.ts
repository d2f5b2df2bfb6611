import { Logger } from '@nestjs/common';
import type { DatabaseTarget } from '@mailpush/config';
import { MigrationExecutor, type DataSource, type QueryRunner } from 'typeorm';
import { createDataSource, type DataSourceSettings } from './create-data-source';

/**
 * Names of the migrations this build has that the database has not applied yet, oldest first.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}

/**
 * Applies the pending migrations, each in its own transaction, while holding a database-wide exclusive lock,
 * so that several instances starting together migrate once: the first applies them, the others wait and
 * then find nothing left to do. Returns the names applied by this call.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const queryRunner = dataSource.createQueryRunner();
  try {
    const migrate = async (): Promise<string[]> => {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    };
    const type = dataSource.options.type;
    if (type === 'postgres') return await withPostgresLock(queryRunner, logger, migrate);
    if (type === 'mssql') return await withSqlServerLock(dataSource, logger, migrate);
    // One connection per process and SQLite's own file lock: the standalone server is the only writer.
    if (type === 'better-sqlite3') return await migrate();
    throw new Error(`migrations are not supported on ${type}`);
  } finally {
    await queryRunner.release();
  }
}

/** Key of the session-level advisory lock that serialises migrations; arbitrary, fixed forever. */
const POSTGRES_LOCK_KEY = 7_423_110_842;

/**
 * Takes the lock on the query runner's own connection, where the migrations then run too: a PostgreSQL
 * query runner keeps one pooled client from `connect()` to `release()`.
 */
async function withPostgresLock<T>(queryRunner: QueryRunner, logger: Logger, work: () => Promise<T>): Promise<T> {
  await queryRunner.connect();
  const [attempt] = (await queryRunner.query('SELECT pg_try_advisory_lock($1) AS locked', [POSTGRES_LOCK_KEY])) as {
    locked: boolean;
  }[];
  if (attempt?.locked !== true) {
    logger.log('another instance is migrating the database; waiting for it');
    await queryRunner.query('SELECT pg_advisory_lock($1)', [POSTGRES_LOCK_KEY]);
  }
  try {
    return await work();
  } finally {
    await queryRunner.query('SELECT pg_advisory_unlock($1)', [POSTGRES_LOCK_KEY]);
  }
}

const SQL_SERVER_LOCK_RESOURCE = 'mailpush:migrations';

/** The parts of the `mssql` package used here (TypeORM loads it and exposes it untyped). */
interface MssqlModule {
  ConnectionPool: new (config: object) => MssqlPool;
}
interface MssqlPool {
  connect(): Promise<MssqlPool>;
  close(): Promise<void>;
  request(): MssqlRequest;
}
interface MssqlRequest {
  input(name: string, value: unknown): MssqlRequest;
  query(sql: string): Promise<{ recordset: Record<string, unknown>[] }>;
}

/**
 * `sp_getapplock` owned by the session must be taken and released on one connection, and TypeORM's SQL
 * Server query runner only pins a connection inside a transaction. So the lock lives on a dedicated
 * single-connection pool built from the data source's own configuration, held while the migrations run
 * through the data source. If this process dies, its session ends and SQL Server releases the lock.
 */
async function withSqlServerLock<T>(dataSource: DataSource, logger: Logger, work: () => Promise<T>): Promise<T> {
  const driver = dataSource.driver as unknown as { mssql: MssqlModule; master: { config: object } };
  const pool = await new driver.mssql.ConnectionPool({ ...driver.master.config, pool: { min: 0, max: 1 } }).connect();
  try {
    const getLock = async (timeoutMs: number): Promise<number> => {
      const result = await pool
        .request()
        .input('resource', SQL_SERVER_LOCK_RESOURCE)
        .input('timeout', timeoutMs)
        .query(
          "DECLARE @result int; EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @timeout; SELECT @result AS result",
        );
      return Number(result.recordset[0]?.['result']);
    };
    let status = await getLock(0);
    if (status < 0) {
      logger.log('another instance is migrating the database; waiting for it');
      status = await getLock(-1);
    }
    // 0: granted at once, 1: granted after waiting; negative: timeout, cancelled, deadlock victim or error.
    if (status < 0) throw new Error(`could not take the migration lock (sp_getapplock returned ${status})`);
    try {
      return await work();
    } finally {
      await pool
        .request()
        .input('resource', SQL_SERVER_LOCK_RESOURCE)
        .query("EXEC sp_releaseapplock @Resource = @resource, @LockOwner = 'Session'");
    }
  } finally {
    await pool.close();
  }
}

/** Connects a data source for `target` and brings its schema up to date (under the migration lock). */
export async function openMigratedDataSource(
  target: DatabaseTarget,
  settings?: DataSourceSettings,
): Promise<DataSource> {
  const dataSource = createDataSource(target, settings);
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
