import { DataSource } from 'typeorm';
import type { ThrowawayDatabase } from './throwaway-database';
import { toTarget, withDatabase } from './throwaway-postgres';
import { uniqueTestName } from './unique-name';

/** The SQL Server the SQL Server suites run against, e.g. `mssql://sa:pass@127.0.0.1:1433/master?trustServerCertificate=true`. */
export function testMssqlUrl(): string | undefined {
  const url = process.env['MSSQL_URL']?.trim();
  return url === undefined || url.length === 0 ? undefined : url;
}

/** Like `createThrowawayPostgresDatabase`, on the SQL Server named by `MSSQL_URL`. */
export async function createThrowawayMssqlDatabase(): Promise<ThrowawayDatabase> {
  const baseUrl = testMssqlUrl();
  if (baseUrl === undefined) throw new Error('MSSQL_URL is not set');
  const name = uniqueTestName();
  await onServer(baseUrl, (admin) => admin.query(`CREATE DATABASE [${name}]`));
  const url = withDatabase(baseUrl, name);
  return {
    url,
    target: toTarget(url),
    drop: async () => {
      await onServer(baseUrl, (admin) =>
        admin.query(
          `IF DB_ID('${name}') IS NOT NULL BEGIN ALTER DATABASE [${name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [${name}]; END`,
        ),
      );
    },
  };
}

async function onServer(url: string, work: (admin: DataSource) => Promise<unknown>): Promise<void> {
  const target = toTarget(url);
  if (target.driver !== 'mssql') throw new Error('MSSQL_URL must be an mssql:// URL');
  const flag = (name: string): boolean | undefined =>
    target.options[name] === undefined ? undefined : target.options[name] === 'true';
  const admin = new DataSource({
    type: 'mssql',
    host: target.host,
    port: target.port ?? 1433,
    database: target.database,
    username: target.username,
    password: target.password?.reveal(),
    options: { encrypt: flag('encrypt'), trustServerCertificate: flag('trustServerCertificate') },
  });
  await admin.initialize();
  try {
    await work(admin);
  } finally {
    await admin.destroy();
  }
}
