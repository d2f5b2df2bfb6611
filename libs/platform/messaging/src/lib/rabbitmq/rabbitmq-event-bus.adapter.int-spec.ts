import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { Deferred } from '../../testing/deferred';
import { deadLetters, describeEventBusBehaviour, Greeted, LooseGreeted } from '../../testing/event-bus.behaviour';
import {
  deleteEverythingStartingWith,
  destroySocket,
  forceCloseConnections,
  listQueues,
  uniqueNamespacePrefix,
} from '../../testing/rabbitmq-test-broker';
import { eventually, sleep } from '../../testing/wait';
import { PublishFailedError } from '../port/publish-failed.error';
import { RabbitMqEventBus, type RabbitMqEventBusOptions } from './rabbitmq-event-bus.adapter';

Logger.overrideLogger(false);

const url = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

describe(RabbitMqEventBus.name, () => {
  const prefix = uniqueNamespacePrefix();
  let testNumber = 0;
  let namespace = prefix;
  const buses: RabbitMqEventBus[] = [];

  function options(overrides: Partial<RabbitMqEventBusOptions> = {}): RabbitMqEventBusOptions {
    return {
      url,
      namespace,
      connectionName: `${namespace}:bus`,
      prefetch: 10,
      retryDelaysMs: [50, 100],
      connectTimeoutMs: 5_000,
      drainTimeoutMs: 2_000,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
      ...overrides,
    };
  }

  function bus(overrides: Partial<RabbitMqEventBusOptions> = {}): RabbitMqEventBus {
    const created = new RabbitMqEventBus(options(overrides));
    buses.push(created);
    return created;
  }

  /** Keeps every amqplib connection a bus opens, so a test can cut one. */
  function capturingConnect(models: ChannelModel[]): RabbitMqEventBusOptions['connect'] {
    return async (target, socketOptions) => {
      const model = await connect(target, socketOptions);
      models.push(model);
      return model;
    };
  }

  async function withRawChannel<T>(task: (channel: Channel) => Promise<T>): Promise<T> {
    const model = await connect(url);
    try {
      const channel = await model.createChannel();
      return await task(channel);
    } finally {
      await model.close();
    }
  }

  async function getWhenThere(channel: Channel, queue: string): Promise<GetMessage> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const message = await channel.get(queue, { noAck: false });
      if (message !== false) return message;
      if (Date.now() > deadline) throw new Error(`nothing arrived on ${queue}`);
      await sleep(20);
    }
  }

  beforeEach(() => {
    testNumber += 1;
    namespace = `${prefix}-${testNumber}`;
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await deleteEverythingStartingWith(url, prefix);
  });

  describeEventBusBehaviour({
    create: ({ retryDelaysMs, prefetch }) => new RabbitMqEventBus(options({ retryDelaysMs, prefetch: prefetch ?? 10 })),
  });

  it('declares a topic exchange and, per group, quorum work, retry and dead-letter queues', async () => {
    const sut = bus({ retryDelaysMs: [50, 100], deliveryLimit: 20 });
    await sut.subscribe(Greeted, () => undefined, { group: 'alpha' });
    await sut.start();

    const queues = (await listQueues(`${namespace}.`)).sort((a, b) => a.name.localeCompare(b.name));

    expect(queues).toEqual([
      {
        name: `${namespace}.alpha`,
        type: 'quorum',
        arguments: expect.objectContaining({
          'x-delivery-limit': 20,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': `${namespace}.alpha.dead`,
          'x-dead-letter-strategy': 'at-least-once',
        }) as unknown,
      },
      { name: `${namespace}.alpha.dead`, type: 'quorum', arguments: expect.anything() as unknown },
      {
        name: `${namespace}.alpha.retry.100ms`,
        type: 'quorum',
        arguments: expect.objectContaining({
          'x-message-ttl': 100,
          'x-dead-letter-routing-key': `${namespace}.alpha`,
          'x-dead-letter-strategy': 'at-least-once',
        }) as unknown,
      },
      {
        name: `${namespace}.alpha.retry.50ms`,
        type: 'quorum',
        arguments: expect.objectContaining({ 'x-message-ttl': 50 }) as unknown,
      },
    ]);
    await expect(withRawChannel((channel) => channel.checkExchange(`${namespace}.events`))).resolves.toBeDefined();
  });

  it('consumes each confirmed message exactly once', async () => {
    const sut = bus();
    const counts = new Map<string, number>();
    await sut.subscribe(Greeted, (_p, m) => void counts.set(m.id, (counts.get(m.id) ?? 0) + 1), { group: 'alpha' });
    await sut.start();

    const receipts = await Promise.all(Array.from({ length: 200 }, (_, n) => sut.publish(Greeted, { name: 'ada', n })));

    await eventually('all are consumed', () => counts.size === 200);
    await sleep(300);
    expect([...counts.keys()].sort()).toEqual(receipts.map((r) => r.id).sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const { messageCount } = await withRawChannel((channel) => channel.checkQueue(`${namespace}.alpha`));
    expect(messageCount).toBe(0);
  });

  it('retries a throwing handler through the retry queues, then dead-letters it with reason, attempts, type and first failure time', async () => {
    const sut = bus({ retryDelaysMs: [50, 100] });
    const tries: number[] = [];
    await sut.subscribe(
      Greeted,
      () => {
        tries.push(performance.now());
        throw new Error('smtp relay refused');
      },
      { group: 'alpha' },
    );
    await sut.start();
    const publishedAt = new Date();

    const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });

    await eventually('three tries', () => tries.length === 3);
    const dead = await withRawChannel((channel) => getWhenThere(channel, `${namespace}.alpha.dead`));
    const headers = dead.properties.headers ?? {};
    expect(headers).toMatchObject({
      'x-mailpush-failure-reason': 'handler failed 3 time(s), last: smtp relay refused',
      'x-mailpush-attempts': 3,
      'x-mailpush-original-type': 'test.greeted',
      'x-mailpush-group': 'alpha',
    });
    const firstFailedAt = Date.parse(String(headers['x-mailpush-first-failed-at']));
    expect(firstFailedAt).toBeGreaterThanOrEqual(publishedAt.getTime() - 1_000);
    expect(firstFailedAt).toBeLessThanOrEqual(Date.parse(String(headers['x-mailpush-dead-lettered-at'])));
    expect(dead.properties).toMatchObject({ messageId: id, type: 'test.greeted', deliveryMode: 2 });
    const [first = 0, second = 0, third = 0] = tries;
    expect(second - first).toBeGreaterThanOrEqual(45);
    expect(third - second).toBeGreaterThanOrEqual(90);
    expect(third - first).toBeLessThan(5_000);
    await sleep(200);
    expect(tries).toHaveLength(3);
  });

  it('dead-letters an invalid payload at once, never calling the handler', async () => {
    const sut = bus({ retryDelaysMs: [50, 100] });
    let calls = 0;
    await sut.subscribe(Greeted, () => void (calls += 1), { group: 'alpha' });
    await sut.start();

    const { id } = await sut.publish(LooseGreeted, { name: 42 });

    const dead = await withRawChannel((channel) => getWhenThere(channel, `${namespace}.alpha.dead`));
    expect(dead.properties.messageId).toBe(id);
    expect(dead.properties.headers).toMatchObject({
      'x-mailpush-failure-reason': 'MessageValidationError: invalid test.greeted v1: name must be a string',
      'x-mailpush-attempts': 1,
    });
    expect(calls).toBe(0);
  });

  it('redelivers a message whose consumer connection dies before the ack', async () => {
    const models: ChannelModel[] = [];
    const sut = bus({ connect: capturingConnect(models) });
    const gate = new Deferred();
    const deliveries: { id: string; redelivered: boolean; attempt: number }[] = [];
    await sut.subscribe(
      Greeted,
      async (_p, m) => {
        deliveries.push({ id: m.id, redelivered: m.redelivered, attempt: m.attempt });
        if (deliveries.length === 1) await gate.promise;
      },
      { group: 'alpha' },
    );
    await sut.start();
    const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });
    await eventually('the handler is blocked on the first delivery', () => deliveries.length === 1);

    const [first] = models;
    if (first === undefined) throw new Error('no connection captured');
    destroySocket(first);

    await eventually('the message is delivered again after reconnecting', () => deliveries.length === 2, 10_000);
    gate.resolve();
    await sleep(300);
    expect(deliveries).toEqual([
      { id, redelivered: false, attempt: 1 },
      { id, redelivered: true, attempt: 1 },
    ]);
    expect(models).toHaveLength(2);
    expect(sut.connected).toBe(true);
  });

  it('leaves a message the consumer keeps dying on to the broker, which dead-letters it after the delivery limit', async () => {
    const models: ChannelModel[] = [];
    const sut = bus({ connect: capturingConnect(models), deliveryLimit: 1, drainTimeoutMs: 50 });
    let deliveries = 0;
    await sut.subscribe(
      Greeted,
      async () => {
        deliveries += 1;
        await new Promise(() => undefined); // never acks: the process "crashes" before
      },
      { group: 'alpha' },
    );
    await sut.start();
    const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });

    for (let cut = 1; cut <= 2; cut += 1) {
      await eventually(`delivery ${cut}`, () => deliveries === cut && models.length === cut && sut.connected, 10_000);
      const model = models[cut - 1];
      if (model !== undefined) destroySocket(model);
    }
    await eventually('reconnected', () => models.length === 3 && sut.connected, 10_000);

    const letters = await deadLetters(sut, 'alpha', 1);
    expect(letters).toEqual([
      expect.objectContaining({
        id,
        type: 'test.greeted',
        reason: expect.stringContaining('delivery_limit') as unknown,
      }),
    ]);
    expect(deliveries).toBe(2);
  });

  it('reconnects by itself after the broker closes its connections, and consumes every confirmed publish', async () => {
    const consumer = bus({ connectionName: `${namespace}:consumer`, prefetch: 20 });
    const publisher = bus({ connectionName: `${namespace}:publisher`, publishTimeoutMs: 10_000 });
    const counts = new Map<string, number>();
    let redeliveries = 0;
    await consumer.subscribe(
      Greeted,
      async (_p, m) => {
        counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
        if (m.redelivered) redeliveries += 1;
        await sleep(2);
      },
      { group: 'alpha' },
    );
    await consumer.start();
    await publisher.start();
    let sawDown = false;
    const watch = setInterval(() => {
      if (!consumer.connected || !publisher.connected) sawDown = true;
    }, 2);

    const confirmed = new Set<string>();
    const failed = new Map<string, unknown>();
    let next = 0;
    let outageOver = false;
    let publishedAfter = 0;
    const outage = (async () => {
      await eventually('a first part of the stream is confirmed', () => confirmed.size >= 50);
      const closed = await forceCloseConnections(namespace, 'test: broker closes connections');
      await eventually('both buses are back', () => sawDown && consumer.connected && publisher.connected, 15_000);
      outageOver = true;
      return closed;
    })();
    const worker = async (): Promise<void> => {
      while (!(outageOver && publishedAfter >= 100)) {
        const n = next++;
        const messageId = `stream-${n}`;
        try {
          await publisher.publish(Greeted, { name: 'stream', n }, { id: messageId });
          confirmed.add(messageId);
        } catch (error) {
          failed.set(messageId, error);
        }
        if (outageOver) publishedAfter += 1;
        await sleep(3);
      }
    };
    try {
      await Promise.all([worker(), worker(), worker(), worker()]);
      await expect(outage).resolves.toBe(2);
    } finally {
      clearInterval(watch);
    }

    await eventually('every confirmed publish is consumed', () => [...confirmed].every((id) => counts.has(id)), 15_000);
    await sleep(300);
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(sawDown).toBe(true);
    expect(confirmed.size).toBeGreaterThan(150);
    expect([...confirmed].filter((id) => counts.has(id))).toHaveLength(confirmed.size);
    expect([...counts.keys()].every((id) => confirmed.has(id) || failed.has(id))).toBe(true);
    expect(duplicates).toBeLessThanOrEqual(redeliveries);
    for (const error of failed.values()) {
      expect(error).toBeInstanceOf(PublishFailedError);
      expect((error as PublishFailedError).failure).toBe('connection-lost');
    }
  }, 45_000);

  it('rejects the publishes in flight when the connection is lost, leaving none pending', async () => {
    const models: ChannelModel[] = [];
    const sut = bus({ connect: capturingConnect(models) });
    await sut.subscribe(Greeted, () => undefined, { group: 'alpha' });
    await sut.start();

    const outcomes = Array.from({ length: 200 }, (_, n) =>
      sut.publish(Greeted, { name: 'burst', n }).then(
        () => 'confirmed',
        (error: unknown) => (error instanceof PublishFailedError ? error.failure : String(error)),
      ),
    );
    const [model] = models;
    if (model === undefined) throw new Error('no connection captured');
    destroySocket(model);

    const settled = await Promise.all(outcomes);
    expect(settled.filter((o) => o === 'connection-lost').length).toBeGreaterThan(0);
    expect(settled.every((o) => o === 'confirmed' || o === 'connection-lost')).toBe(true);
  });

  it('fails to start, and rejects publishes, when no broker answers in time', async () => {
    const sut = bus({ url: 'amqp://guest:secret-password@127.0.0.1:1', connectTimeoutMs: 300, publishTimeoutMs: 200 });

    const publishing = sut.publish(Greeted, { name: 'ada', n: 1 });
    await expect(publishing).rejects.toMatchObject({ failure: 'timeout' });
    const starting = sut.start();
    await expect(starting).rejects.toThrow(
      /^could not connect to RabbitMQ at amqp:\/\/127\.0\.0\.1:1 within 300 ms: .*ECONNREFUSED/,
    );
    await expect(starting).rejects.not.toThrow(/secret-password/);
    expect(sut.connected).toBe(false);
    await expect(sut.publish(Greeted, { name: 'ada', n: 2 })).rejects.toMatchObject({ failure: 'closed' });
  });

  it('keeps publishing after it stops consuming, and leaves unconsumed messages on the queue', async () => {
    const sut = bus();
    let handled = 0;
    await sut.subscribe(Greeted, () => void (handled += 1), { group: 'alpha' });
    await sut.start();
    await sut.publish(Greeted, { name: 'ada', n: 1 });
    await eventually('the first is handled', () => handled === 1);

    await sut.stopConsuming();
    await sut.publish(Greeted, { name: 'ada', n: 2 });
    await sleep(200);

    expect(handled).toBe(1);
    const { messageCount } = await withRawChannel((channel) => channel.checkQueue(`${namespace}.alpha`));
    expect(messageCount).toBe(1);
  });
});
