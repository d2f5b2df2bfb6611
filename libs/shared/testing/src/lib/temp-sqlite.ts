import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThrowawayDatabase } from './throwaway-database';
import { toTarget } from './throwaway-postgres';

/**
 * A path for a SQLite database file in a new temporary folder. The file's own folder (`data/`) does not
 * exist yet, as on a first start, so whatever opens it has to create it.
 */
export function createTempSqlitePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'mailpush-test-')), 'data', 'mailpush.db');
}

/** A SQLite database in a temporary folder; `drop()` deletes the folder. */
export function createThrowawaySqliteDatabase(): Promise<ThrowawayDatabase> {
  const path = createTempSqlitePath();
  const url = `sqlite:${path}`;
  return Promise.resolve({
    url,
    target: toTarget(url),
    drop: () => {
      rmSync(join(path, '..', '..'), { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}
