import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppProcess } from './support/app-process';

const CONTRACT_TABLES = [
  'audit_log',
  'delivery_log',
  'device_registration',
  'mail_connection',
  'mailbox',
  'push_credential',
];

describe('standalone server', () => {
  let cwd: string;

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mailpush-standalone-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('starts on embedded defaults, creates every table in ./data/mailpush.db, and stops cleanly on Ctrl-C (SIGINT) within 5 s', async () => {
    const sut = await AppProcess.start('standalone', {}, cwd);
    await sut.waitUntilLive();

    const ready = await fetch(`${sut.url}/health/ready`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({
      info: { database: { status: 'up' }, bus: { status: 'up' }, leases: { status: 'up' } },
    });
    const exit = await sut.stop('SIGINT', 5_000);

    expect(exit.code).toBe(0);
    const db = new Database(join(cwd, 'data/mailpush.db'), { readonly: true });
    try {
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(CONTRACT_TABLES));
    } finally {
      db.close();
    }
  });

  it('generates its secrets key once, readable by its owner only, and keeps it across restarts', async () => {
    const first = await AppProcess.start('standalone', {}, cwd);
    await first.waitUntilLive();
    expect((await first.stop('SIGTERM')).code).toBe(0);
    const keyFile = join(cwd, 'data/secrets.key');
    const key = await readFile(keyFile, 'utf8');

    const second = await AppProcess.start('standalone', {}, cwd);
    await second.waitUntilLive();
    const exit = await second.stop('SIGTERM');

    expect(exit.code).toBe(0);
    expect(first.stdout).toContain('generated a new secrets key');
    expect(exit.stdout).not.toContain('generated a new secrets key');
    expect(await readFile(keyFile, 'utf8')).toBe(key);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
  });
});
