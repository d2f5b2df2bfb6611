import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseTarget } from '@mailpush/config';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import type { BaseDataSourceOptions } from 'typeorm/data-source/BaseDataSourceOptions';
import { PERSISTENCE_ENTITIES } from '../entities/persistence-entities';
import { PERSISTENCE_MIGRATIONS } from '../migrations/persistence-migrations';
import { TypeOrmNestLogger } from './typeorm-nest.logger';

export interface DataSourceSettings {
  /** Shown by the server in its session list (`pg_stat_activity`, `sys.dm_exec_sessions`). */
  readonly applicationName?: string;
  /** Connections per process (PostgreSQL, SQL Server). */
  readonly poolSize?: number;
  /** Queries slower than this are logged as warnings. */
  readonly slowQueryMs?: number;
  readonly logger?: TypeOrmLogger;
}

/** Applied to SQLite connections: how long a writer waits for another writer before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** PostgreSQL's type oid of `timestamp without time zone`. */
const PG_TIMESTAMP_OID = 1114;

/**
 * Builds (does not connect) the TypeORM data source for a database target. Schema changes only ever come
 * from the committed migrations: `synchronize` and `migrationsRun` are off, see `runPendingMigrations`.
 */
export function createDataSource(target: DatabaseTarget, settings: DataSourceSettings = {}): DataSource {
  const common: Omit<BaseDataSourceOptions, 'type' | 'poolSize'> = {
    entities: [...PERSISTENCE_ENTITIES],
    migrations: [...PERSISTENCE_MIGRATIONS],
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    logger: settings.logger ?? new TypeOrmNestLogger(),
    maxQueryExecutionTime: settings.slowQueryMs ?? 1_000,
  };
  const applicationName = settings.applicationName ?? 'mailpush';

  switch (target.driver) {
    case 'sqlite': {
      // Owner-only: the folder holds device tokens, and in standalone the secrets key.
      if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
      return new DataSource({
        ...common,
        type: 'better-sqlite3',
        database: target.path,
        enableWAL: true,
        timeout: SQLITE_BUSY_TIMEOUT_MS,
        // TypeORM also turns foreign keys on after this hook; stating it keeps it true if that ever changes.
        prepareDatabase: (db: { pragma(source: string): unknown }) => {
          db.pragma('foreign_keys = ON');
          // SQLite's advice for WAL: a commit no longer waits for an fsync (the WAL is synced at checkpoints);
          // a power cut may lose the last commits, never the database's consistency. Every statement is a
          // commit here, so FULL would put an fsync on the event loop per push logged.
          db.pragma('synchronous = NORMAL');
        },
      });
    }
    case 'postgres': {
      const dataSource = new DataSource({
        ...common,
        type: 'postgres',
        host: target.host,
        port: target.port ?? 5432,
        database: target.database,
        username: target.username,
        // A function, so the plain password is not kept in the options object.
        password: target.password === undefined ? undefined : () => target.password?.reveal() ?? '',
        applicationName: target.options['application_name'] ?? applicationName,
        ssl: postgresSsl(target.options),
        poolSize: settings.poolSize,
        connectTimeoutMS: CONNECT_TIMEOUT_MS,
        // Every session runs in UTC, so that now() and casts agree with the UTC values the app writes.
        extra: { options: '-c TimeZone=UTC' },
      } satisfies DataSourceOptions);
      sendPostgresTimestampsAsUtc(dataSource);
      return dataSource;
    }
    case 'mssql':
      return new DataSource({
        ...common,
        type: 'mssql',
        host: target.host,
        port: target.port ?? 1433,
        database: target.database,
        username: target.username,
        password: target.password?.reveal(),
        connectionTimeout: CONNECT_TIMEOUT_MS,
        pool: settings.poolSize === undefined ? undefined : { max: settings.poolSize },
        options: { ...mssqlOptions(target.options), appName: applicationName, useUTC: true },
      } satisfies DataSourceOptions);
  }
}

/**
 * `type: Date` columns are `timestamp without time zone` on PostgreSQL, and node-postgres by default writes
 * and reads them in the process's local time zone, which the server then stores as if it were UTC. These
 * two switches make it UTC both ways. They are process-wide settings of the `pg` module, which only this
 * library uses; setting them again is harmless.
 */
function sendPostgresTimestampsAsUtc(dataSource: DataSource): void {
  const pg = (dataSource.driver as unknown as { postgres: PgModule }).postgres;
  pg.defaults.parseInputDatesAsUTC = true;
  pg.types.setTypeParser(PG_TIMESTAMP_OID, (value: string) => new Date(`${value.replace(' ', 'T')}Z`));
}

interface PgModule {
  defaults: { parseInputDatesAsUTC: boolean };
  types: { setTypeParser(oid: number, parse: (value: string) => unknown): void };
}

function postgresSsl(options: Readonly<Record<string, string>>): boolean | { rejectUnauthorized: false } {
  rejectUnknownOptions('postgres', options, ['sslmode', 'application_name']);
  const mode = options['sslmode'] ?? 'disable';
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
    case 'no-verify':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return true;
    default:
      throw new Error(
        `DATABASE_URL: sslmode=${mode} is not one of disable, prefer, require, no-verify, verify-ca, verify-full`,
      );
  }
}

function mssqlOptions(options: Readonly<Record<string, string>>): {
  encrypt?: boolean;
  trustServerCertificate?: boolean;
} {
  const known = ['encrypt', 'trustServerCertificate'] as const;
  rejectUnknownOptions('mssql', options, known);
  const result: { encrypt?: boolean; trustServerCertificate?: boolean } = {};
  for (const name of known) {
    const value = options[name];
    if (value === undefined) continue;
    if (value !== 'true' && value !== 'false') throw new Error(`DATABASE_URL: ${name} must be true or false`);
    result[name] = value === 'true';
  }
  return result;
}

function rejectUnknownOptions(
  driver: string,
  options: Readonly<Record<string, string>>,
  known: readonly string[],
): void {
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`DATABASE_URL: ${unknown.join(', ')} not supported for ${driver}; supported: ${known.join(', ')}`);
  }
}
