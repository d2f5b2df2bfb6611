import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayPostgresDatabase } from '@mailpush/testing';
import { AppProcess } from './support/app-process';

const DATABASE_APPS = ['registration-api', 'ews-watcher', 'graph-receiver', 'dispatcher', 'admin-api'] as const;
const SECRETS_KEY = randomBytes(32).toString('base64');
const AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** The registration API refuses to start without an identity provider; its key set is only fetched on the first token. */
const DEVICE_AUTH = {
  AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
  AUTH_ISSUER: 'http://127.0.0.1:9',
  AUTH_AUDIENCE: 'mailpush',
};
/** An Exchange Online connection nobody calls (no mailbox is watched); every app seeds it at boot, at once. */
const GRAPH = {
  GRAPH_TENANT_ID: '6e1f2c3a-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
  GRAPH_CLIENT_ID: '0b5c2a7e-3f1d-4c2b-9a8e-7d6c5b4a3f21',
  GRAPH_CLIENT_SECRET: 'not-used',
  GRAPH_NOTIFICATION_URL: 'https://mailpush.example/notificationClient',
};
/** What each app checks before it reports ready, beyond the database. */
const DEPENDENCIES: Record<(typeof DATABASE_APPS)[number], readonly string[]> = {
  'registration-api': ['database', 'bus'],
  'ews-watcher': ['database', 'bus', 'leases'],
  'graph-receiver': ['database', 'bus', 'leases'],
  dispatcher: ['database', 'bus', 'dedupe'],
  'admin-api': ['database', 'bus'],
};

describe('each app on its own', () => {
  let database: Awaited<ReturnType<typeof createThrowawayPostgresDatabase>>;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    database = await createThrowawayPostgresDatabase();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop('SIGKILL').catch(() => undefined)));
  });
  afterAll(async () => {
    await database.drop();
  });

  it('starts every database app at once against a fresh PostgreSQL: one migrates, all become ready, all stop cleanly on SIGTERM', async () => {
    const apps = await Promise.all(
      DATABASE_APPS.map((name) =>
        AppProcess.start(name, {
          DATABASE_URL: database.url,
          SECRETS_KEY,
          AMQP_URL,
          REDIS_URL,
          LEASE_KEY_PREFIX: `apps-e2e-${process.pid}:lease:`,
          ...DEVICE_AUTH,
          ...GRAPH,
        }),
      ),
    );
    running.push(...apps);
    await Promise.all(apps.map((app) => app.waitUntilLive()));

    for (const [i, app] of apps.entries()) {
      const ready = await fetch(`${app.url}/health/ready`);
      expect({ app: DATABASE_APPS[i], status: ready.status }).toEqual({ app: DATABASE_APPS[i], status: 200 });
      const health = (await ready.json()) as { info: Record<string, { status: string }> };
      expect(Object.keys(health.info).sort()).toEqual([...DEPENDENCIES[DATABASE_APPS[i] ?? 'dispatcher']].sort());
      expect(Object.values(health.info).map((d) => d.status)).toEqual(Object.keys(health.info).map(() => 'up'));
      const metrics = await fetch(`${app.url}/metrics`);
      expect(metrics.status).toBe(200);
      await expect(metrics.text()).resolves.toContain(`app="${DATABASE_APPS[i]}"`);
    }

    const exits = await Promise.all(apps.map((app) => app.stop('SIGTERM')));
    expect(exits.map((e) => e.code)).toEqual(DATABASE_APPS.map(() => 0));
    const migrated = exits.filter((e) => e.stdout.includes('applied migrations:'));
    expect(migrated).toHaveLength(1);
  });

  it('starts the sandbox without any database and answers its health endpoints', async () => {
    const sut = await AppProcess.start('sandbox', { SANDBOX_DIR: mkdtempSync(join(tmpdir(), 'mailpush-sandbox-')) });
    running.push(sut);
    await sut.waitUntilLive();

    expect((await fetch(`${sut.url}/health/ready`)).status).toBe(200);
    expect((await sut.stop('SIGTERM')).code).toBe(0);
  });

  it('exits at once, naming DATABASE_URL, when it is not a supported URL', async () => {
    const sut = await AppProcess.start('registration-api', { DATABASE_URL: 'foo://x', SECRETS_KEY });

    const exit = await sut.waitForExit(10_000);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('Invalid configuration for registration-api');
    expect(exit.stderr).toMatch(/DATABASE_URL: has unsupported scheme "foo:"/);
  });

  it('names every missing and bad variable in one message', async () => {
    const sut = await AppProcess.start('dispatcher', { PORT: 'eighty', SECRETS_KEY: 'short' });

    const exit = await sut.waitForExit(10_000);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('DATABASE_URL: is required by dispatcher');
    expect(exit.stderr).toContain('PORT: must be a number');
    expect(exit.stderr).toContain('SECRETS_KEY: must be 32 bytes encoded as base64');
    expect(exit.stderr).not.toContain('short');
  });
});
