import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseDatabaseUrl } from '@mailpush/config';
import { MailChanged, mailChangeId } from '@mailpush/contracts';
import { ENVIRONMENT_GRAPH_CONNECTION } from '@mailpush/foundation';
import { shardOf } from '@mailpush/leases';
import { RabbitMqEventBus } from '@mailpush/messaging';
import { createDataSource, MailboxRepository, MailConnectionEntity } from '@mailpush/persistence';
import type { GraphSimulator } from '@mailpush/simulators';
import { createThrowawayPostgresDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { AppProcess, freePort } from '../../tools/e2e/src/support/app-process';
import { ChangeTally } from './change-tally';
import type { Cleanups } from './cleanups';
import { metricValue, type BenchTarget, type ServerSample } from './server-sample';

/** graph-receiver's default, stated to the app too so both sides shard alike. */
const SHARD_COUNT = 256;
const READY_TIMEOUT_MS = 60_000;
const SUBSCRIBED_TIMEOUT_MS = 60_000;

export interface GraphApp {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * mailpush: the built graph-receiver app as its own process, on a RabbitMQ vhost and a throw-away PostgreSQL
 * database of its own and this machine's Redis, watching `count` Graph mailboxes, plus a bench consumer (group
 * `bench`) counting the `mail.changed` it publishes by change id.
 */
export class MailpushTarget implements BenchTarget {
  private constructor(
    private readonly receiver: AppProcess,
    /** What the bench consumer received. */
    readonly changes: ChangeTally,
    /** Mailbox id per UPN. */
    private readonly mailboxIds: ReadonlyMap<string, string>,
    readonly notificationUrl: string,
  ) {}

  get users(): readonly string[] {
    return [...this.mailboxIds.keys()];
  }

  /** What graph-receiver logged (LOG_LEVEL=warn) so far. */
  get logs(): string {
    return `${this.receiver.stderr}${this.receiver.stdout}`;
  }

  static async start(
    simulator: GraphSimulator,
    app: GraphApp,
    caPath: string,
    count: number,
    cleanups: Cleanups,
    /** Where graph-receiver writes a CPU profile when it stops; none when undefined. */
    profileDir?: string,
  ): Promise<MailpushTarget> {
    const vhost = `mailpush-bench-${randomBytes(4).toString('hex')}`;
    execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
    cleanups.add(`vhost ${vhost}`, () => void execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]));
    execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
    const database = await createThrowawayPostgresDatabase();
    cleanups.add('database', () => database.drop());

    // Bound before graph-receiver starts: its processor publishes mail.changed mandatory.
    const bus = new RabbitMqEventBus({ url: amqpUrl, connectionName: 'bench', prefetch: 500, retryDelaysMs: [] });
    cleanups.add('bench consumer', () => bus.close());
    const changes = new ChangeTally();
    await bus.subscribe(MailChanged, (change) => changes.seen(change.changeId), { group: 'bench' });
    await bus.start();

    const port = await freePort();
    const notificationUrl = `http://127.0.0.1:${port}/notificationClient`;
    const receiver = await AppProcess.start(
      'graph-receiver',
      {
        DATABASE_URL: database.url,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        AMQP_URL: amqpUrl,
        REDIS_URL: 'redis://127.0.0.1:6379',
        PORT: String(port),
        HOST: '127.0.0.1',
        GRAPH_TENANT_ID: app.tenantId,
        GRAPH_CLIENT_ID: app.clientId,
        GRAPH_CLIENT_SECRET: app.clientSecret,
        GRAPH_BASE_URL: simulator.url,
        GRAPH_AUTHORITY_HOST: simulator.url,
        GRAPH_CA_PATH: caPath,
        GRAPH_NOTIFICATION_URL: notificationUrl,
        LOG_LEVEL: 'warn',
        SHARD_COUNT: String(SHARD_COUNT),
        LEASE_RENEW_INTERVAL_MS: '1000',
        LEASE_TTL_MS: '3000',
      },
      undefined,
      profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    );
    cleanups.add('graph-receiver', async () => {
      const exit = await receiver.stop('SIGTERM', 15_000).catch(() => receiver.stop('SIGKILL'));
      if (exit.code !== 0) process.stderr.write(`graph-receiver exited with ${exit.code ?? exit.signal}\n`);
    });
    await receiver.waitUntilLive();
    await waitUntilReady(receiver);

    const dataSource = await openDataSource(database.url);
    cleanups.add('bench data source', () => dataSource.destroy());
    const mailboxIds = await seedMailboxes(dataSource, count);
    await waitForSubscriptions(simulator, dataSource, notificationUrl, count);
    return new MailpushTarget(receiver, changes, mailboxIds, notificationUrl);
  }

  /** The mail change a message delivered to `user` must become. */
  changeIdOf(user: string, messageId: string): string {
    return mailChangeId(this.mailboxIds.get(user) ?? '', messageId, 'new');
  }

  /** graph-receiver's `/metrics`, the lines about Graph and leases (no histogram buckets). */
  async graphMetrics(): Promise<string[]> {
    const text = await (await fetch(`${this.receiver.url}/metrics`)).text();
    return text.split('\n').filter((line) => /^mailpush_(graph|lease)/.test(line) && !/_bucket\{/.test(line));
  }

  /** graph-receiver's `/metrics`: CPU, webhook time (accepted POSTs), event-loop delay (reset by this scrape). */
  async sample(): Promise<ServerSample> {
    const text = await (await fetch(`${this.receiver.url}/metrics`)).text();
    const seconds = (name: string): number | undefined => {
      const value = metricValue(text, name);
      return value === undefined ? undefined : value * 1000;
    };
    return {
      cpuSeconds: metricValue(text, 'mailpush_process_cpu_seconds_total'),
      // Absent until the first POST was accepted.
      acceptedPosts: metricValue(text, 'mailpush_graph_webhook_request_duration_count', 'outcome="accepted"') ?? 0,
      acceptedSeconds: metricValue(text, 'mailpush_graph_webhook_request_duration_sum', 'outcome="accepted"') ?? 0,
      loopDelayP99Ms: seconds('mailpush_nodejs_eventloop_lag_p99_seconds'),
      loopDelayMaxMs: seconds('mailpush_nodejs_eventloop_lag_max_seconds'),
    };
  }
}

async function waitUntilReady(receiver: AppProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${receiver.url}/health/ready`).catch(() => undefined);
    if (response?.ok === true) return;
    last = (await response?.text()) ?? 'no answer';
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`graph-receiver not ready within ${READY_TIMEOUT_MS} ms: ${last}\n${receiver.stderr}`);
}

async function openDataSource(url: string): Promise<DataSource> {
  const target = parseDatabaseUrl(url);
  if ('error' in target) throw new Error(`DATABASE_URL: ${target.error}`);
  const dataSource = createDataSource(target, { applicationName: 'mailpush-bench', poolSize: 2 });
  await dataSource.initialize();
  return dataSource;
}

/** `count` watched Graph mailboxes on the connection graph-receiver seeded from its environment at boot. */
async function seedMailboxes(dataSource: DataSource, count: number): Promise<Map<string, string>> {
  const connection = await dataSource
    .getRepository(MailConnectionEntity)
    .findOneBy({ name: ENVIRONMENT_GRAPH_CONNECTION });
  if (connection === null) throw new Error(`mail_connection ${ENVIRONMENT_GRAPH_CONNECTION} was not seeded`);
  const mailboxes = new MailboxRepository(dataSource);
  const ids = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const smtpAddress = `bench-${i}@bench.example`;
    await mailboxes.create({
      id,
      smtpAddress,
      backend: 'graph',
      status: 'watched',
      connectionId: connection.id,
      shardKey: id,
      shard: shardOf(id, SHARD_COUNT),
    });
    ids.set(smtpAddress, id);
  }
  return ids;
}

/** Until the simulator holds a subscription per mailbox and graph-receiver has stored each (the webhook looks it up). */
async function waitForSubscriptions(
  simulator: GraphSimulator,
  dataSource: DataSource,
  notificationUrl: string,
  count: number,
): Promise<void> {
  const deadline = Date.now() + SUBSCRIBED_TIMEOUT_MS;
  for (;;) {
    const inGraph = new Set(
      simulator
        .subscriptions()
        .filter((s) => s.notificationUrl === notificationUrl)
        .map((s) => s.id),
    );
    const rows = (await dataSource.query(
      "SELECT subscription_id FROM mailbox WHERE backend = 'graph' AND subscription_id IS NOT NULL",
    )) as { subscription_id: string }[];
    const stored = rows.filter((row) => inGraph.has(row.subscription_id)).length;
    if (inGraph.size === count && stored === count) return;
    if (Date.now() > deadline) {
      throw new Error(
        `after ${SUBSCRIBED_TIMEOUT_MS} ms: ${inGraph.size} Graph subscriptions, ${stored} stored, of ${count} mailboxes`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
