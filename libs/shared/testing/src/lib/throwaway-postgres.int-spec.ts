import { DataSource } from 'typeorm';
import { createThrowawayPostgresDatabase, testPostgresUrl } from './throwaway-postgres';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new DataSource({ type: 'postgres', url: testPostgresUrl() });
  await admin.initialize();
  try {
    const rows = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])) as unknown[];
    return rows.length > 0;
  } finally {
    await admin.destroy();
  }
}

describe(createThrowawayPostgresDatabase.name, () => {
  it('creates a new, uniquely named database and drops it again', async () => {
    const sut = await createThrowawayPostgresDatabase();
    const other = await createThrowawayPostgresDatabase();
    if (sut.target.driver !== 'postgres') throw new Error('expected a postgres target');
    const name = sut.target.database;

    expect(name).toMatch(/^mailpush_test_/);
    expect(other.url).not.toBe(sut.url);
    expect(sut.url).toContain(`/${name}`);
    await expect(databaseExists(name)).resolves.toBe(true);

    await sut.drop();
    await other.drop();

    await expect(databaseExists(name)).resolves.toBe(false);
  });
});
