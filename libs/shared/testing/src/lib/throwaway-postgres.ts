import { parseDatabaseUrl, type DatabaseTarget } from '@mailpush/config';
import { DataSource } from 'typeorm';
import type { ThrowawayDatabase } from './throwaway-database';
import { uniqueTestName } from './unique-name';

/** This machine's PostgreSQL 15 (trust authentication for local TCP connections). */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://root@127.0.0.1:5432/postgres';

/** The server the PostgreSQL tests run against: `TEST_POSTGRES_URL`, or this machine's. */
export function testPostgresUrl(): string {
  return process.env['TEST_POSTGRES_URL'] ?? DEFAULT_TEST_POSTGRES_URL;
}

/**
 * Creates an empty, uniquely named database on the test PostgreSQL server (`TEST_POSTGRES_URL`), so that
 * test files and parallel runs never share a schema. `drop()` removes it, closing any leftover sessions.
 */
export async function createThrowawayPostgresDatabase(): Promise<ThrowawayDatabase> {
  const baseUrl = testPostgresUrl();
  const name = uniqueTestName();
  await onServer(baseUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(baseUrl, name);
  return {
    url,
    target: toTarget(url),
    drop: async () => {
      await onServer(baseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function onServer(url: string, work: (admin: DataSource) => Promise<unknown>): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url, poolSize: 1 });
  await admin.initialize();
  try {
    await work(admin);
  } finally {
    await admin.destroy();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function toTarget(url: string): DatabaseTarget {
  const target = parseDatabaseUrl(url);
  if ('error' in target) throw new Error(`test database URL ${target.error}`);
  return target;
}
