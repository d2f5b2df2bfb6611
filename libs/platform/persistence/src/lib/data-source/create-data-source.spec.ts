import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Secret, type DatabaseTarget } from '@mailpush/config';
import { createTempSqlitePath } from '@mailpush/testing';
import { PERSISTENCE_ENTITIES } from '../entities/persistence-entities';
import { PERSISTENCE_MIGRATIONS } from '../migrations/persistence-migrations';
import { createDataSource } from './create-data-source';

function server(driver: 'postgres' | 'mssql', options: Record<string, string> = {}): DatabaseTarget {
  return {
    driver,
    host: 'db.internal',
    port: undefined,
    database: 'mailpush',
    username: 'mailpush',
    password: new Secret('pw'),
    options,
  };
}

describe(createDataSource.name, () => {
  it.each([
    ['sqlite', { driver: 'sqlite', path: ':memory:' } as const],
    ['postgres', server('postgres')],
    ['mssql', server('mssql')],
  ])(
    'never synchronizes nor runs migrations by itself on %s, and lists every entity and migration explicitly',
    (_, target) => {
      const sut = createDataSource(target);

      expect(sut.options).toMatchObject({
        synchronize: false,
        migrationsRun: false,
        dropSchema: false,
        migrationsTransactionMode: 'each',
      });
      expect(sut.options.entities).toEqual([...PERSISTENCE_ENTITIES]);
      expect(sut.options.migrations).toEqual([...PERSISTENCE_MIGRATIONS]);
    },
  );

  it('opens SQLite with WAL, a busy timeout, and the folder of the file created', () => {
    const path = createTempSqlitePath();

    const sut = createDataSource({ driver: 'sqlite', path });

    expect(sut.options).toMatchObject({ type: 'better-sqlite3', database: path, enableWAL: true, timeout: 5000 });
    expect(existsSync(dirname(path))).toBe(true);
    rmSync(dirname(dirname(path)), { recursive: true, force: true });
  });

  it('runs PostgreSQL sessions in UTC, on the default port', () => {
    const sut = createDataSource(server('postgres'));

    expect(sut.options).toMatchObject({
      type: 'postgres',
      host: 'db.internal',
      port: 5432,
      database: 'mailpush',
      ssl: false,
      extra: { options: '-c TimeZone=UTC' },
    });
  });

  it('keeps the PostgreSQL password out of the options object', () => {
    const sut = createDataSource(server('postgres'));

    expect(JSON.stringify(sut.options)).not.toContain('"pw"');
  });

  it.each([
    ['disable', false],
    ['require', { rejectUnauthorized: false }],
    ['verify-full', true],
  ])('maps PostgreSQL sslmode=%s', (sslmode, ssl) => {
    expect(createDataSource(server('postgres', { sslmode })).options).toMatchObject({ ssl });
  });

  it('exchanges SQL Server dates in UTC and passes its TLS options', () => {
    const sut = createDataSource(server('mssql', { encrypt: 'true', trustServerCertificate: 'false' }));

    expect(sut.options).toMatchObject({
      type: 'mssql',
      port: 1433,
      password: 'pw',
      options: { useUTC: true, encrypt: true, trustServerCertificate: false },
    });
  });

  it.each([
    ['postgres', { sslmode: 'sometimes' }, /sslmode=sometimes/],
    ['postgres', { schema: 'other' }, /schema not supported for postgres/],
    ['mssql', { encrypt: 'yes' }, /encrypt must be true or false/],
    ['mssql', { sslmode: 'require' }, /sslmode not supported for mssql/],
  ] as const)('rejects a %s URL option it does not understand: %j', (driver, options, message) => {
    expect(() => createDataSource(server(driver, options))).toThrow(message);
  });
});
