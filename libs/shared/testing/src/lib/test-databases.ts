import type { DatabaseDriver } from '@mailpush/config';
import { createThrowawayMssqlDatabase, testMssqlUrl } from './throwaway-mssql';
import type { ThrowawayDatabase } from './throwaway-database';
import { createThrowawayPostgresDatabase } from './throwaway-postgres';
import { createThrowawaySqliteDatabase } from './temp-sqlite';

/** One database driver a suite runs against, or why it cannot here. */
export interface TestDatabase {
  readonly name: string;
  readonly driver: DatabaseDriver;
  /** Set when this machine lacks the server; the suite is then reported as skipped with this reason. */
  readonly skipReason: string | undefined;
  create(): Promise<ThrowawayDatabase>;
}

/**
 * The three supported databases. PostgreSQL and SQLite always run (a missing PostgreSQL fails the run
 * rather than hiding it); SQL Server runs when `MSSQL_URL` names a server.
 */
export function testDatabases(): readonly TestDatabase[] {
  return [
    { name: 'PostgreSQL', driver: 'postgres', skipReason: undefined, create: createThrowawayPostgresDatabase },
    { name: 'SQLite', driver: 'sqlite', skipReason: undefined, create: createThrowawaySqliteDatabase },
    {
      name: 'SQL Server',
      driver: 'mssql',
      skipReason: testMssqlUrl() === undefined ? 'MSSQL_URL is not set' : undefined,
      create: createThrowawayMssqlDatabase,
    },
  ];
}

/**
 * Declares the same suite once per database (optionally only some drivers), each in a `describe` named
 * after the database; one that cannot run here is declared with `describe.skip` and the reason in its name.
 */
export function describeEachDatabase(
  body: (database: TestDatabase) => void,
  drivers?: readonly DatabaseDriver[],
): void {
  for (const database of testDatabases()) {
    if (drivers !== undefined && !drivers.includes(database.driver)) continue;
    if (database.skipReason === undefined) describe(database.name, () => body(database));
    else describe.skip(`${database.name} (skipped: ${database.skipReason})`, () => body(database));
  }
}
