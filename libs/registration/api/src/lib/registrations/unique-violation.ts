import { QueryFailedError } from 'typeorm';

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const MSSQL_UNIQUE_NUMBERS = new Set([2601, 2627]);

/**
 * Whether a failed query broke a unique constraint, on any of the three drivers: what two concurrent first
 * registrations of one mailbox (or one device) run into, and what a retry resolves.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; number?: unknown } | undefined;
  const code = driverError?.code;
  if (code === '23505') return true;
  if (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code)) return true;
  return typeof driverError?.number === 'number' && MSSQL_UNIQUE_NUMBERS.has(driverError.number);
}
