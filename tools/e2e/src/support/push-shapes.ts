import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MailChanged, mailChangeId, type MailChange } from '@mailpush/contracts';
import { RabbitMqEventBus, type DeadLetter } from '@mailpush/messaging';
import { sandboxEnvironment, type SandboxDescription } from '@mailpush/simulators';
import { createThrowawayPostgresDatabase } from '@mailpush/testing';
import { AppProcess, freePort } from './app-process';

export interface ShapeOptions {
  /** Also run Exchange Online: the graph-receiver app (distributed) or the Graph modules (standalone). */
  readonly graph?: boolean;
  /** More environment for every service. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What a push e2e test needs from a running deployment, whatever its shape. */
export interface PushDeployment {
  /** Base URL of the registration API. */
  readonly apiUrl: string;
  /** Base URL of the sandbox control API (`/sandbox/...`). */
  readonly sandboxUrl: string;
  /** Publishes a mail change the way a mail source does; resolves with the change id. */
  publishChange(change: TestChange): Promise<string>;
  deadLetters(): Promise<readonly DeadLetter[]>;
  /** The dispatcher's `/metrics` text. */
  dispatcherMetrics(): Promise<string>;
  stop(): Promise<void>;
}

export interface TestChange {
  readonly mailbox: string;
  readonly itemId: string;
  readonly kind?: MailChange['kind'];
  readonly subject?: string;
  readonly from?: { readonly name?: string; readonly address?: string };
  readonly unreadCount?: number;
}

/** Fast retries so a permanently failing push reaches the dead-letter queue within the test. */
const TEST_TUNING = {
  AMQP_RETRY_DELAYS_MS: '300,600',
  DISPATCH_PUSH_ATTEMPTS: '2',
  // Each change pushed on its own, so the expectations below are exact; coalescing has its own tests.
  DISPATCH_COALESCE_MS: '0',
  LOG_LEVEL: 'warn',
};

/**
 * The distributed shape on this machine's RabbitMQ (a vhost of its own, so other suites' consumers never see
 * these messages), Redis and a throw-away PostgreSQL: the sandbox, dispatcher and registration-api apps as
 * separate processes.
 */
export async function startDistributed(options: ShapeOptions = {}): Promise<PushDeployment> {
  const vhost = `mailpush-e2e-${randomBytes(4).toString('hex')}`;
  execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  const database = await createThrowawayPostgresDatabase();
  const sandboxDir = await mkdtemp(join(tmpdir(), 'mailpush-e2e-sandbox-'));
  const processes: AppProcess[] = [];
  const bus = new RabbitMqEventBus({ url: amqpUrl, connectionName: 'e2e', prefetch: 10, retryDelaysMs: [] });
  const sql = new Client({ connectionString: database.url });

  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 10_000).catch(() => p.stop('SIGKILL'))));
    await bus.close().catch(() => undefined);
    await sql.end().catch(() => undefined);
    await database.drop().catch(() => undefined);
    await rm(sandboxDir, { recursive: true, force: true });
    execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
  };

  try {
    const sandbox = await AppProcess.start('sandbox', { SANDBOX_DIR: sandboxDir });
    processes.push(sandbox);
    await sandbox.waitUntilLive();
    const description = (await (await fetch(`${sandbox.url}/sandbox`)).json()) as SandboxDescription;
    const common = {
      DATABASE_URL: database.url,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      AMQP_URL: amqpUrl,
      REDIS_URL: 'redis://127.0.0.1:6379',
      // Shard leases of their own: other suites (and benchmarks) run graph-receivers against this Redis too.
      LEASE_KEY_PREFIX: `${vhost}:lease:`,
      ...sandboxEnvironment(description),
      ...TEST_TUNING,
      ...options.env,
    };
    // The dispatcher first: its queue must exist before the registration API announces anything.
    const dispatcher = await AppProcess.start('dispatcher', common);
    processes.push(dispatcher);
    await dispatcher.waitUntilLive();
    if (options.graph === true) {
      // Before the registration API too: it consumes registration.changed to react at once.
      const port = String(await freePort());
      const receiver = await AppProcess.start('graph-receiver', {
        ...common,
        PORT: port,
        GRAPH_NOTIFICATION_URL: `http://127.0.0.1:${port}/notificationClient`,
      });
      processes.push(receiver);
      await receiver.waitUntilLive();
    }
    const api = await AppProcess.start('registration-api', common);
    processes.push(api);
    await api.waitUntilLive();
    await bus.start();
    await sql.connect();

    return {
      apiUrl: api.url,
      sandboxUrl: sandbox.url,
      async publishChange(change) {
        const rows = (await sql.query('SELECT id FROM mailbox WHERE smtp_address = $1', [change.mailbox])).rows as {
          id: string;
        }[];
        const mailboxId = rows[0]?.id;
        if (mailboxId === undefined) throw new Error(`no mailbox ${change.mailbox}`);
        const kind = change.kind ?? 'new';
        const changeId = mailChangeId(mailboxId, change.itemId, kind);
        await bus.publish(MailChanged, {
          changeId,
          mailboxId,
          smtpAddress: change.mailbox,
          kind,
          folder: 'inbox',
          itemId: change.itemId,
          subject: change.subject,
          from: change.from,
          unreadCount: change.unreadCount,
          receivedAt: new Date().toISOString(),
          source: 'test',
        });
        return changeId;
      },
      deadLetters: () => bus.listDeadLetters('dispatcher', 100),
      dispatcherMetrics: async () => (await fetch(`${dispatcher.url}/metrics`)).text(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The standalone shape: one process, SQLite, the in-process bus, the simulators embedded (`SANDBOX=true`). */
export async function startStandalone(options: ShapeOptions = {}): Promise<PushDeployment> {
  const cwd = await mkdtemp(join(tmpdir(), 'mailpush-e2e-standalone-'));
  // An explicit port: the embedded Graph simulator posts its notifications to it.
  const port = String(await freePort());
  const server = await AppProcess.start('standalone', { ...TEST_TUNING, ...options.env, PORT: port }, cwd);
  try {
    await server.waitUntilLive();
  } catch (error) {
    await server.stop('SIGKILL').catch(() => undefined);
    throw error;
  }
  return {
    apiUrl: server.url,
    sandboxUrl: server.url,
    async publishChange(change) {
      const response = await fetch(`${server.url}/sandbox/mail-changes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...change, kind: change.kind ?? 'new' }),
      });
      if (response.status !== 202) throw new Error(`mail change refused: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { changeId: string }).changeId;
    },
    async deadLetters() {
      const response = await fetch(`${server.url}/sandbox/dead-letters?group=dispatcher`);
      return ((await response.json()) as { items: DeadLetter[] }).items;
    },
    dispatcherMetrics: async () => (await fetch(`${server.url}/metrics`)).text(),
    async stop() {
      await server.stop('SIGTERM', 10_000);
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
