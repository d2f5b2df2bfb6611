/**
 * Bus benchmark: publish-with-confirm throughput, end-to-end consume throughput and latency, for our
 * RabbitMQ adapter, raw amqplib doing the same work, and our in-process adapter. Loopback broker only.
 *
 *   npx ts-node -T -r tsconfig-paths/register -P bench/bus/tsconfig.json bench/bus/run.ts [--messages=5000]
 *     [--window=100] [--prefetch=20] [--payload-bytes=512] [--url=amqp://guest:guest@127.0.0.1:5672]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect, type ConfirmChannel } from 'amqplib';
import {
  defineMessage,
  InProcessEventBus,
  RabbitMqEventBus,
  type EventBus,
  type MessageContract,
} from '@mailpush/messaging';

interface Settings {
  readonly url: string;
  readonly messages: number;
  readonly window: number;
  readonly prefetch: number;
  readonly payloadBytes: number;
  readonly latencyMessages: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly timeoutMs: number;
}

interface BenchPayload {
  readonly n: number;
  readonly padding: string;
}

interface Run {
  readonly publishPerSecond: number;
  readonly consumePerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface Result {
  readonly name: string;
  /** `window` publishes in flight: how fast it goes (latency is then mostly queueing). */
  readonly loaded: Run;
  /** One publish at a time: what a single message costs end to end. */
  readonly unloaded: Run;
  readonly bodyBytes: number;
}

function best(a: Result, b: Result): Result {
  const pick = (x: Run, y: Run): Run => ({
    publishPerSecond: Math.max(x.publishPerSecond, y.publishPerSecond),
    consumePerSecond: Math.max(x.consumePerSecond, y.consumePerSecond),
    p50Ms: Math.min(x.p50Ms, y.p50Ms),
    p99Ms: Math.min(x.p99Ms, y.p99Ms),
  });
  return { ...a, loaded: pick(a.loaded, b.loaded), unloaded: pick(a.unloaded, b.unloaded) };
}

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

const settings: Settings = {
  url: option('url', 'amqp://guest:guest@127.0.0.1:5672'),
  messages: Number(option('messages', '5000')),
  window: Number(option('window', '100')),
  prefetch: Number(option('prefetch', '20')),
  payloadBytes: Number(option('payload-bytes', '512')),
  latencyMessages: Number(option('latency-messages', '1000')),
  rounds: Number(option('rounds', '2')),
  warmup: 300,
  timeoutMs: 60_000,
};

const BenchMessage: MessageContract<BenchPayload> = defineMessage('bench.message', 1, (payload) => {
  const { n, padding } = payload as Partial<BenchPayload>;
  if (typeof n !== 'number' || typeof padding !== 'string') throw new Error('n and padding are required');
  return { n, padding };
});

const padding = randomBytes(settings.payloadBytes).toString('base64').slice(0, settings.payloadBytes);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs `count` publishes with at most `window` in flight. */
async function publishAll(count: number, window: number, publish: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      await publish(n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, () => worker()));
}

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} took longer than ${settings.timeoutMs} ms`)),
        settings.timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Measures one transport: `publish(n)` resolves on confirm, its consumer calls `received(n)`. */
class Measurement {
  private readonly sentAt = new Map<number, number>();
  private readonly latencies: number[] = [];
  private consumed = 0;
  private allConsumed: () => void = () => undefined;
  private readonly done: Promise<void>;

  constructor(private readonly count: number) {
    this.done = new Promise((resolve) => {
      this.allConsumed = resolve;
    });
  }

  sent(n: number): void {
    this.sentAt.set(n, performance.now());
  }

  received(n: number): void {
    const at = this.sentAt.get(n);
    if (at === undefined) return;
    this.sentAt.delete(n);
    this.latencies.push(performance.now() - at);
    this.consumed += 1;
    if (this.consumed === this.count) this.allConsumed();
  }

  async run(name: string, window: number, publish: (n: number) => Promise<void>): Promise<Run> {
    const started = performance.now();
    await withTimeout(
      `${name}: publishing`,
      publishAll(this.count, window, async (n) => {
        this.sent(n);
        await publish(n);
      }),
    );
    const published = performance.now();
    await withTimeout(`${name}: consuming`, this.done);
    const finished = performance.now();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      publishPerSecond: this.count / ((published - started) / 1000),
      consumePerSecond: this.count / ((finished - started) / 1000),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  }
}

/** The three phases on one transport: warm-up, throughput (`window` in flight), latency (one at a time). */
async function measure(
  name: string,
  bodyBytes: number,
  consumeInto: (sink: (n: number) => void) => Promise<void>,
  publish: (n: number) => Promise<void>,
): Promise<Result> {
  let measurement = new Measurement(settings.warmup);
  await consumeInto((n) => measurement.received(n));
  await measurement.run(`${name} (warm-up)`, settings.window, publish);
  measurement = new Measurement(settings.messages);
  const loaded = await measurement.run(name, settings.window, publish);
  measurement = new Measurement(settings.latencyMessages);
  const unloaded = await measurement.run(`${name} (latency)`, 1, publish);
  return { name, loaded, unloaded, bodyBytes };
}

function envelopeBytes(idLength: number): number {
  const envelope = {
    id: 'x'.repeat(idLength),
    type: 'bench.message',
    version: 1,
    occurredAt: new Date().toISOString(),
  };
  return Buffer.byteLength(JSON.stringify({ ...envelope, payload: { n: 0, padding } }));
}

/** Our adapters: one bus that publishes and consumes, as one process does. */
async function measureBus(name: string, bus: EventBus): Promise<Result> {
  return measure(
    name,
    envelopeBytes(36),
    async (sink) => {
      await bus.subscribe(BenchMessage, ({ n }) => sink(n), { group: 'bench' });
      await bus.start();
    },
    async (n) => {
      await bus.publish(BenchMessage, { n, padding });
    },
  );
}

/**
 * amqplib alone: topic exchange, quorum queue, persistent messages, mandatory publish on a confirm channel,
 * manual ack, same prefetch, one connection for both sides.
 */
async function measureRaw(namespace: string): Promise<Result> {
  // The socket settings our adapter uses (Nagle off), so that the comparison is about the wrapper alone.
  const model = await connect(settings.url, { noDelay: true });
  try {
    const publisher: ConfirmChannel = await model.createConfirmChannel();
    const consumer = await model.createChannel();
    const exchange = `${namespace}.raw-events`;
    const queue = `${namespace}.raw`;
    await publisher.assertExchange(exchange, 'topic', { durable: true });
    await consumer.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await consumer.bindQueue(queue, exchange, 'bench.message');
    await consumer.prefetch(settings.prefetch);
    let sink: (n: number) => void = () => undefined;
    const publish = (n: number): Promise<void> => {
      const id = randomBytes(16).toString('hex');
      const envelope = { id, type: 'bench.message', version: 1, occurredAt: new Date().toISOString() };
      const body = Buffer.from(JSON.stringify({ ...envelope, payload: { n, padding } }));
      return new Promise<void>((resolve, reject) => {
        publisher.publish(
          exchange,
          'bench.message',
          body,
          { persistent: true, messageId: id, type: 'bench.message', contentType: 'application/json', mandatory: true },
          (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
        );
      });
    };
    const result = await measure(
      'raw amqplib',
      envelopeBytes(32),
      async (received) => {
        sink = received;
        await consumer.consume(
          queue,
          (message) => {
            if (message === null) return;
            const envelope = JSON.parse(message.content.toString('utf8')) as { payload: BenchPayload };
            sink(envelope.payload.n);
            consumer.ack(message);
          },
          { noAck: false },
        );
      },
      publish,
    );
    await consumer.deleteQueue(queue);
    await consumer.deleteExchange(exchange);
    return result;
  } finally {
    await model.close();
  }
}

async function deleteBusTopology(namespace: string): Promise<void> {
  const model = await connect(settings.url);
  try {
    const channel = await model.createChannel();
    for (const queue of ['bench', 'bench.dead', 'bench.retry.1000ms'])
      await channel.deleteQueue(`${namespace}.${queue}`);
    await channel.deleteExchange(`${namespace}.events`);
  } finally {
    await model.close();
  }
}

async function measureRabbitMqBus(namespace: string): Promise<Result> {
  const bus = new RabbitMqEventBus({
    url: settings.url,
    connectionName: 'bench',
    namespace,
    prefetch: settings.prefetch,
    retryDelaysMs: [1000],
  });
  try {
    return await measureBus('ours: RabbitMqEventBus', bus);
  } finally {
    await bus.close();
    await deleteBusTopology(namespace);
  }
}

async function measureInProcessBus(): Promise<Result> {
  const bus = new InProcessEventBus({ prefetch: settings.prefetch, retryDelaysMs: [1000] });
  try {
    return await measureBus('ours: InProcessEventBus', bus);
  } finally {
    await bus.close();
  }
}

function row(cells: readonly string[]): string {
  const widths = [26, 14, 12, 12, 12, 12, 12, 7];
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 10) : cell.padStart(widths[i] ?? 10))).join(' ');
}

function ratio(ours: number, raw: number): string {
  return `${(ours / raw).toFixed(2)}x`;
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']);
  const started = performance.now();
  console.log(
    `bus benchmark: ${settings.messages} messages with ${settings.window} publishes in flight, then ` +
      `${settings.latencyMessages} one at a time; prefetch ${settings.prefetch}; ${settings.payloadBytes}-character payload; ` +
      `best of ${settings.rounds} rounds (raw and ours interleaved); node ${process.version}; ` +
      `broker ${settings.url.replace(/\/\/[^@]*@/, '//')}`,
  );

  let raw: Result | undefined;
  let rabbit: Result | undefined;
  let inProcess: Result | undefined;
  for (let round = 1; round <= settings.rounds; round += 1) {
    const namespace = `bench_${Date.now().toString(36)}_${round}`;
    const r = await measureRaw(namespace);
    raw = raw === undefined ? r : best(raw, r);
    const o = await measureRabbitMqBus(namespace);
    rabbit = rabbit === undefined ? o : best(rabbit, o);
    const i = await measureInProcessBus();
    inProcess = inProcess === undefined ? i : best(inProcess, i);
  }
  if (raw === undefined || rabbit === undefined || inProcess === undefined) throw new Error('no rounds ran');

  console.log('');
  console.log(row(['', 'publish+confirm', 'end-to-end', 'loaded', 'loaded', 'unloaded', 'unloaded', 'body']));
  console.log(row(['transport', 'msg/s', 'msg/s', 'p50 ms', 'p99 ms', 'p50 ms', 'p99 ms', 'bytes']));
  for (const r of [raw, rabbit, inProcess]) {
    console.log(
      row([
        r.name,
        r.loaded.publishPerSecond.toFixed(0),
        r.loaded.consumePerSecond.toFixed(0),
        r.loaded.p50Ms.toFixed(1),
        r.loaded.p99Ms.toFixed(1),
        r.unloaded.p50Ms.toFixed(2),
        r.unloaded.p99Ms.toFixed(2),
        String(r.bodyBytes),
      ]),
    );
  }
  console.log(
    row([
      'ours/raw (RabbitMQ)',
      ratio(rabbit.loaded.publishPerSecond, raw.loaded.publishPerSecond),
      ratio(rabbit.loaded.consumePerSecond, raw.loaded.consumePerSecond),
      ratio(rabbit.loaded.p50Ms, raw.loaded.p50Ms),
      ratio(rabbit.loaded.p99Ms, raw.loaded.p99Ms),
      ratio(rabbit.unloaded.p50Ms, raw.unloaded.p50Ms),
      ratio(rabbit.unloaded.p99Ms, raw.unloaded.p99Ms),
      '',
    ]),
  );
  console.log('');
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
