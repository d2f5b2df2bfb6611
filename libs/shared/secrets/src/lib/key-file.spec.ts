import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateKeyFile } from './key-file';

describe(readOrCreateKeyFile.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailpush-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 32-byte key readable by the owner only, then returns the same key', async () => {
    const path = join(dir, 'data', 'secrets.key');

    const first = await readOrCreateKeyFile(path);
    const second = await readOrCreateKeyFile(path);

    expect(first.created).toBe(true);
    expect(Buffer.from(first.key, 'base64')).toHaveLength(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(second).toEqual({ key: first.key, created: false });
  });

  it('gives concurrent first starts the same key', async () => {
    const path = join(dir, 'secrets.key');
    const outcomes = await Promise.all([
      readOrCreateKeyFile(path),
      readOrCreateKeyFile(path),
      readOrCreateKeyFile(path),
    ]);
    expect(new Set(outcomes.map((o) => o.key)).size).toBe(1);
    expect((await readFile(path, 'utf8')).trim()).toBe(outcomes[0].key);
  });

  it('refuses a file that does not hold a key', async () => {
    const path = join(dir, 'secrets.key');
    await writeFile(path, 'not a key');
    await expect(readOrCreateKeyFile(path)).rejects.toThrow(/does not hold a 32-byte base64 key/);
  });
});
