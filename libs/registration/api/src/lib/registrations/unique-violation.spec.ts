import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

function failed(driverError: object): QueryFailedError {
  return new QueryFailedError('INSERT INTO mailbox ...', [], Object.assign(new Error('duplicate'), driverError));
}

describe(isUniqueViolation.name, () => {
  it.each([
    ['PostgreSQL', { code: '23505' }],
    ['SQLite', { code: 'SQLITE_CONSTRAINT_UNIQUE' }],
    ['SQLite primary key', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }],
    ['SQL Server unique constraint', { number: 2627 }],
    ['SQL Server unique index', { number: 2601 }],
  ])('recognises a unique violation on %s', (_driver, driverError) => {
    expect(isUniqueViolation(failed(driverError))).toBe(true);
  });

  it.each([
    ['a foreign key violation', failed({ code: '23503' })],
    ['a SQLite foreign key violation', failed({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })],
    ['an error that is not a query failure', new Error('duplicate key')],
  ])('does not retry %s', (_what, error) => {
    expect(isUniqueViolation(error)).toBe(false);
  });
});
