/**
 * Dispatch benchmark: 10,000 pushes to the APNs simulator (the sandbox app, its own process) through
 * mailpush (mail change -> bus -> dispatcher -> APNs), through @parse/push-adapter and through raw
 * @parse/node-apn at its best concurrency, in one run. Prints pushes/s, p50/p99 latency from the mail change
 * (or send call) to the simulator's receipt, and the ratios.
 *
 *   npm run bench:dispatch -- [--pushes=10000] [--shape=distributed|standalone] [--prefetch=200]
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import apn from '@parse/node-apn';
import { loadConfig } from '@mailpush/config';
import { MailChanged, mailChangeId } from '@mailpush/contracts';
import { DispatchModule } from '@mailpush/dispatch';
import { FoundationModule } from '@mailpush/foundation';
import { EventBus, RabbitMqEventBus } from '@mailpush/messaging';
import { DeviceRegistrationEntity, MailboxEntity, openMigratedDataSource } from '@mailpush/persistence';
import { sandboxEnvironment, type SandboxDescription } from '@mailpush/simulators';
import { createThrowawayPostgresDatabase } from '@mailpush/testing';
import { DataSource } from 'typeorm';
import { AppProcess, freePort } from '../../tools/e2e/src/support/app-process';

const TOPIC = 'com.example.mail';

interface Settings {
  readonly pushes: number;
  readonly shape: 'distributed' | 'standalone';
  readonly prefetch: number;
  readonly concurrencies: readonly number[];
  readonly coalesceMs: number;
  readonly only: string | undefined;
  /** Writes a CPU profile of mailpush's measured phase (not the seeding) to this file. */
  readonly profile: string | undefined;
  /** Dispatcher processes in the distributed shape. */
  readonly dispatchers: number;
}

/** The V8 profiler of this process, for the measured phase only. */
async function startProfiler(): Promise<{ stop(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(path) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

interface Result {
  readonly name: string;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly note: string;
}

function settingsFrom(argv: readonly string[]): Settings {
  const arg = (name: string, fallback: string): string =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  const shape = arg('shape', 'distributed');
  if (shape !== 'distributed' && shape !== 'standalone') throw new Error('--shape must be distributed or standalone');
  return {
    pushes: Number(arg('pushes', '10000')),
    shape,
    prefetch: Number(arg('prefetch', '200')),
    concurrencies: arg('concurrency', '100,500,2000').split(',').map(Number),
    coalesceMs: Number(arg('coalesce-ms', '250')),
    only: argv.find((a) => a.startsWith('--only='))?.slice('--only='.length),
    profile: argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length),
    dispatchers: Number(arg('dispatchers', '1')),
  };
}

/** The simulator in its own process, as APNs is on the other side of a network. */
class Simulator {
  private constructor(
    private readonly process: AppProcess,
    readonly description: SandboxDescription,
    readonly dir: string,
  ) {}

  static async start(): Promise<Simulator> {
    const dir = mkdtempSync(join(tmpdir(), 'mailpush-bench-sandbox-'));
    const process = await AppProcess.start('sandbox', { SANDBOX_DIR: dir, LOG_LEVEL: 'warn' });
    await process.waitUntilLive();
    const description = (await (await fetch(`${process.url}/sandbox`)).json()) as SandboxDescription;
    return new Simulator(process, description, dir);
  }

  get key(): { key: string; keyId: string; teamId: string } {
    const { apns } = this.description;
    return { key: readFileSync(apns.keyPath, 'utf8'), keyId: apns.keyId, teamId: apns.teamId };
  }

  get ca(): string {
    return readFileSync(this.description.apns.caPath, 'utf8');
  }

  async reset(): Promise<void> {
    await fetch(`${this.process.url}/sandbox/records`, { method: 'DELETE' });
  }

  /** Receipt time (ms since epoch) per device token, once `count` requests arrived. */
  async receipts(count: number, timeoutMs = 300_000): Promise<Map<string, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { count: arrived } = (await (await fetch(`${this.process.url}/sandbox/apns/requests/count`)).json()) as {
        count: number;
      };
      if (arrived < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const records = (await (await fetch(`${this.process.url}/sandbox/apns/requests`)).json()) as {
        token: string;
        at: string;
        status: number;
      }[];
      if (records.length >= count) {
        const failed = records.filter((r) => r.status !== 200).length;
        if (failed > 0) throw new Error(`${failed} of ${records.length} requests were refused`);
        return new Map(records.map((r) => [r.token, Date.parse(r.at)]));
      }
      if (Date.now() > deadline) throw new Error(`only ${records.length} of ${count} pushes arrived`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM', 10_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function measure(
  name: string,
  note: string,
  sim: Simulator,
  tokens: readonly string[],
  run: (sentAt: Map<string, number>) => Promise<void>,
): Promise<Result> {
  await sim.reset();
  const sentAt = new Map<string, number>();
  const started = Date.now();
  await run(sentAt);
  const publishedMs = Date.now() - started;
  const received = await sim.receipts(tokens.length);
  const last = Math.max(...received.values());
  const latencies = tokens.map((t) => (received.get(t) ?? NaN) - (sentAt.get(t) ?? NaN)).sort((a, b) => a - b);
  return {
    name,
    note: `${note}; sent in ${publishedMs} ms`,
    perSecond: Math.round((tokens.length / Math.max(1, last - started)) * 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function tokensFor(count: number): string[] {
  return Array.from({ length: count }, () => randomBytes(32).toString('hex'));
}

/**
 * What mailpush sends for a new mail with preview `full` (see an APNs request in the e2e suite): the peers send
 * the same headers and payload, so the simulator does the same work for each of the three.
 */
const SAME_ALERT = { title: 'Bob', body: 'Lunch?' };
const SAME_CUSTOM_KEYS = { mailbox: 'user@bench.example', changeIds: 'mailbox:item:new', unread: '1' };

function rawNotification(_token: string): apn.Notification {
  const note = new apn.Notification({
    alert: SAME_ALERT,
    badge: 1,
    sound: 'default',
    threadId: 'mail-bench',
    mutableContent: true,
    topic: TOPIC,
    collapseId: 'mail-bench',
    expiry: Math.floor(Date.now() / 1000) + 86_400,
    priority: 10,
    pushType: 'alert',
    payload: SAME_CUSTOM_KEYS,
  });
  note.id = randomUUID();
  return note;
}

/** Raw @parse/node-apn: one Provider, `concurrency` sends in flight. */
async function rawNodeApn(sim: Simulator, tokens: readonly string[], concurrency: number): Promise<Result> {
  const { host, port } = sim.description.apns;
  const provider = new apn.Provider({ token: sim.key, production: false, address: host, port, ca: [sim.ca] });
  try {
    return await measure('raw @parse/node-apn', `concurrency ${concurrency}`, sim, tokens, async (sentAt) => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < tokens.length) {
          const token = tokens[next++] as string;
          const note = rawNotification(token);
          sentAt.set(token, Date.now());
          await provider.send(note, token);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    });
  } finally {
    await provider.shutdown();
  }
}

/** @parse/push-adapter as Parse Server drives it: one `send` with every installation. */
async function parsePushAdapter(sim: Simulator, tokens: readonly string[]): Promise<Result> {
  const { host, port } = sim.description.apns;
  const { default: ParsePushAdapter } = await import('@parse/push-adapter');
  const adapter = new ParsePushAdapter({
    ios: { token: sim.key, topic: TOPIC, production: false, address: host, port, ca: [sim.ca] },
  });
  return measure('@parse/push-adapter', 'one send() for all installations', sim, tokens, async (sentAt) => {
    const now = Date.now();
    for (const token of tokens) sentAt.set(token, now);
    await adapter.send(
      {
        data: {
          alert: SAME_ALERT,
          badge: 1,
          sound: 'default',
          threadId: 'mail-bench',
          'mutable-content': 1,
          collapseId: 'mail-bench',
          ...SAME_CUSTOM_KEYS,
        },
        expiration_time: Date.now() + 86_400_000,
        push_type: 'alert',
        priority: 10,
      },
      tokens.map((deviceToken) => ({ deviceType: 'ios', deviceToken, appIdentifier: TOPIC })),
    );
  });
}

/** mailpush: one mailbox per token, each with one iOS registration; a mail change per mailbox. */
async function mailpush(sim: Simulator, tokens: readonly string[], settings: Settings): Promise<Result> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const env: Record<string, string> = {
    ...sandboxEnvironment(sim.description),
    SECRETS_KEY: randomBytes(32).toString('base64'),
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    DISPATCH_COALESCE_MS: String(settings.coalesceMs),
    AMQP_PREFETCH: String(settings.prefetch),
  };
  if (settings.shape === 'distributed') {
    const vhost = `mailpush-bench-${randomBytes(4).toString('hex')}`;
    execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
    execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    cleanups.push(() => void execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]));
    const database = await createThrowawayPostgresDatabase();
    cleanups.push(() => database.drop());
    Object.assign(env, {
      DATABASE_URL: database.url,
      AMQP_URL: `amqp://guest:guest@127.0.0.1:5672/${vhost}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'mailpush-bench-db-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    env['DATABASE_URL'] = `sqlite:${join(dir, 'bench.db')}`;
  }
  try {
    const publisher =
      settings.shape === 'distributed'
        ? await separateDispatchers(env, settings, cleanups)
        : await inProcessDispatcher(env, cleanups);
    const mailboxes = await seed(publisher.dataSource, tokens);
    const profiler =
      settings.profile === undefined || settings.shape === 'distributed' ? undefined : await startProfiler();
    try {
      return await measure(
        'mailpush',
        `${settings.shape}${settings.shape === 'distributed' ? `, ${settings.dispatchers} dispatcher process(es)` : ''}, prefetch ${settings.prefetch}, coalescing ${settings.coalesceMs} ms`,
        sim,
        tokens,
        async (sentAt) => {
          const window = 500;
          for (let i = 0; i < mailboxes.length; i += window) {
            await Promise.all(
              mailboxes.slice(i, i + window).map(({ id, address, token }) => {
                sentAt.set(token, Date.now());
                return publisher.bus.publish(MailChanged, {
                  changeId: mailChangeId(id, `item-${id}`, 'new'),
                  mailboxId: id,
                  smtpAddress: address,
                  kind: 'new',
                  folder: 'inbox',
                  subject: 'Lunch?',
                  from: { name: 'Bob', address: 'bob@example.com' },
                  unreadCount: 1,
                  source: 'test',
                });
              }),
            );
          }
        },
      );
    } finally {
      if (profiler !== undefined && settings.profile !== undefined) await profiler.stop(settings.profile);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

interface Publisher {
  readonly bus: EventBus;
  readonly dataSource: DataSource;
}

/** The distributed shape as production runs it: dispatcher processes (the built app) fed through RabbitMQ. */
async function separateDispatchers(
  env: Record<string, string>,
  settings: Settings,
  cleanups: (() => Promise<void> | void)[],
): Promise<Publisher> {
  const config = loadConfig({ app: 'dispatcher' }, env);
  const dataSource = await openMigratedDataSource(config.database.target);
  cleanups.push(() => dataSource.destroy());
  const url = config.amqp.url?.reveal() ?? '';
  const bus = new RabbitMqEventBus({ url, connectionName: 'bench', prefetch: 10, retryDelaysMs: [] });
  cleanups.push(() => bus.close());
  for (let i = 0; i < settings.dispatchers; i++) {
    const { PORT: _port, ...childEnv } = env;
    const profile = settings.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.profile}`];
    const dispatcher = await AppProcess.start('dispatcher', childEnv, undefined, profile);
    cleanups.push(async () => void (await dispatcher.stop('SIGTERM', 15_000)));
    await dispatcher.waitUntilLive();
  }
  await bus.start();
  return { bus, dataSource };
}

/** The standalone shape: the dispatcher's modules in this process, on the in-process bus and SQLite. */
async function inProcessDispatcher(
  env: Record<string, string>,
  cleanups: (() => Promise<void> | void)[],
): Promise<Publisher> {
  const config = loadConfig({ app: 'dispatcher' }, env);
  @Module({})
  class BenchModule {
    static forRoot(): DynamicModule {
      return {
        module: BenchModule,
        imports: [FoundationModule.forRoot(config, { leases: false }), DispatchModule.forRoot(config)],
      };
    }
  }
  const app = await NestFactory.createApplicationContext(BenchModule.forRoot(), { logger: ['error'] });
  await app.init();
  cleanups.push(() => app.close());
  return { bus: app.get(EventBus), dataSource: app.get(DataSource) };
}

async function seed(
  dataSource: DataSource,
  tokens: readonly string[],
): Promise<{ id: string; address: string; token: string }[]> {
  const now = new Date();
  const expires = new Date(now.getTime() + 30 * 86_400_000);
  const mailboxes = tokens.map((token, i) => ({ id: randomUUID(), address: `user${i}@bench.example`, token }));
  const chunk = 500;
  for (let i = 0; i < mailboxes.length; i += chunk) {
    const slice = mailboxes.slice(i, i + chunk);
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(MailboxEntity)
      .values(
        slice.map((m) => ({
          id: m.id,
          smtpAddress: m.address,
          connectionId: null,
          backend: 'pending' as const,
          shardKey: m.id,
          shard: 0,
          affinityGroup: null,
          subscriptionId: null,
          subscriptionExpiresAt: null,
          watermark: null,
          status: 'watched',
          ownerEpoch: 0,
          lastEventAt: null,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .execute();
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(DeviceRegistrationEntity)
      .values(
        slice.map((m) => ({
          id: randomUUID(),
          mailboxId: m.id,
          deviceId: 'iphone',
          platform: 'ios' as const,
          pushToken: m.token,
          appId: TOPIC,
          environment: 'sandbox' as const,
          locale: null,
          settings: { preview: 'full' },
          status: 'active',
          expiresAt: expires,
          failureCount: 0,
          lastPushAt: null,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .execute();
  }
  return mailboxes;
}

function table(results: readonly Result[]): string {
  const rows = results.map((r) =>
    [r.name, r.note, String(r.perSecond), `${r.p50Ms} ms`, `${r.p99Ms} ms`].map((c) => c.padEnd(12)).join(' | '),
  );
  return ['name | setting | pushes/s | p50 | p99', ...rows].join('\n');
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const settings = settingsFrom(process.argv.slice(2));
  const sim = await Simulator.start();
  try {
    if (settings.only === 'mailpush') {
      process.stdout.write(`${table([await mailpush(sim, tokensFor(settings.pushes), settings)])}\n`);
      return;
    }
    // Warm-up: connections, JIT, the simulator's key cache.
    await rawNodeApn(sim, tokensFor(500), 100);
    const raws: Result[] = [];
    for (const concurrency of settings.concurrencies) {
      raws.push(await rawNodeApn(sim, tokensFor(settings.pushes), concurrency));
    }
    const raw = raws.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const parse = await parsePushAdapter(sim, tokensFor(settings.pushes));
    const ours = await mailpush(sim, tokensFor(settings.pushes), settings);
    process.stdout.write(`\n${settings.pushes} pushes each, APNs simulator in its own process\n\n`);
    process.stdout.write(`${table([...raws, parse, ours])}\n\n`);
    const bestPeer = Math.max(parse.perSecond);
    process.stdout.write(
      `mailpush / raw node-apn (best, ${raw.note}): ${(ours.perSecond / raw.perSecond).toFixed(2)}x throughput (target >= 0.8x)\n` +
        `mailpush / @parse/push-adapter: ${(ours.perSecond / bestPeer).toFixed(2)}x throughput (target >= 1x)\n`,
    );
  } finally {
    await sim.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
