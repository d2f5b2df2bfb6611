import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SecretsError } from './secrets.error';

export interface KeyFileOutcome {
  readonly key: string;
  readonly created: boolean;
}

/**
 * Reads the secrets key kept in a file, creating it (32 random bytes, base64, mode 0600) when it does not
 * exist yet. Used by the standalone server, which has no operator to hand it a `SECRETS_KEY`.
 */
export async function readOrCreateKeyFile(path: string): Promise<KeyFileOutcome> {
  try {
    const key = (await readFile(path, 'utf8')).trim();
    if (Buffer.from(key, 'base64').length !== 32) throw new SecretsError(`${path} does not hold a 32-byte base64 key`);
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) await chmod(path, 0o600);
    return { key, created: false };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64');
  try {
    // `wx` refuses to overwrite a key another process created a moment ago.
    await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKeyFile(path);
    throw error;
  }
  return { key, created: true };
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
