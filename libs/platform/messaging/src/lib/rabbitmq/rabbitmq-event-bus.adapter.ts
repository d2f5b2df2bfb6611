import { randomUUID } from 'node:crypto';
import { Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import {
  connect as amqpConnect,
  type Channel,
  type ChannelModel,
  type ConsumeMessage,
  type Message,
  type SocketOptions,
} from 'amqplib';
import type { MessageContract } from '../contracts/message.contract';
import { encodeEnvelope } from '../contracts/message.envelope';
import { backoffDelay, type BackoffSettings } from '../core/backoff';
import { BusMetrics } from '../core/bus.metrics';
import { tracePublish } from '../core/bus.tracing';
import { assertConsumerGroupName } from '../core/consumer-group.name';
import { GroupConsumer } from '../core/group.consumer';
import { readDeadLetter, replayHeaders, type MessageHeaders } from '../core/message.headers';
import { RetryPolicy } from '../core/retry.policy';
import { errorMessage, settledWithin } from '../core/timing';
import {
  EventBus,
  type DeadLetter,
  type MessageHandler,
  type PublishOptions,
  type PublishReceipt,
  type SubscribeOptions,
} from '../port/event-bus.port';
import { PublishFailedError } from '../port/publish-failed.error';
import { ConfirmPublisher, type OutgoingMessage } from './confirm.publisher';
import { RabbitMqTopology } from './rabbitmq.topology';

/** How long a replay waits before its second look at the dead-letter queue. */
const REPLAY_RESCAN_DELAY_MS = 300;
/** Opens one AMQP connection; amqplib's `connect` unless a test or a wrapper needs to see the connection. */
export type AmqpConnect = (url: string, socketOptions: SocketOptions) => Promise<ChannelModel>;

export interface RabbitMqEventBusOptions {
  /** `amqp://user:pass@host:5672/vhost`; never logged (only host, port and vhost are). */
  readonly url: string;
  /** Shown in the broker's connection list, e.g. `dispatcher@pod-7`. */
  readonly connectionName: string;
  /** Unacknowledged deliveries per consumer group. */
  readonly prefetch: number;
  readonly retryDelaysMs: readonly number[];
  /** Prefix of every exchange and queue name. Default `mailpush`. */
  readonly namespace?: string;
  /** Default bound of one publish, waiting for a lost connection included. Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** How long `start` waits for the first connection before failing the boot. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** How long shutdown waits for running handlers. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Deliveries without an ack (consumer died) before the broker dead-letters a message. Default 20. */
  readonly deliveryLimit?: number;
  /** AMQP heartbeat; a silently dead connection is noticed after about twice this. Default 10 s. */
  readonly heartbeatSeconds?: number;
  /** Reconnect backoff. Default 200 ms doubling up to 15 s, with jitter. */
  readonly reconnect?: BackoffSettings;
  readonly connect?: AmqpConnect;
}

type State = 'idle' | 'connecting' | 'connected' | 'closing' | 'closed';

interface LiveConsumer {
  readonly channel: Channel;
  consumerTag: string | undefined;
  closed: boolean;
}

const SOCKET_CONNECT_TIMEOUT_MS = 10_000;
/** Bound on waiting for the broker to answer a cancel or a close. */
const CLOSE_TIMEOUT_MS = 2_000;

function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

/** `amqp://host:port/vhost`, without credentials or query. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable AMQP URL)';
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The event bus on RabbitMQ (amqplib): one connection per process with a confirm channel for publishing and
 * one channel per consumer group, the topology of `RabbitMqTopology` declared at every (re)connection,
 * manual acks after the handler succeeded, retries through per-delay TTL queues and a dead-letter queue per
 * group. A lost connection is re-established with exponential backoff and jitter, consumers included;
 * publishes made meanwhile wait for it within their timeout.
 */
export class RabbitMqEventBus extends EventBus implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly topology: RabbitMqTopology;
  private readonly logger = new Logger(RabbitMqEventBus.name);
  private readonly metrics = new BusMetrics();
  private readonly retry: RetryPolicy;
  private readonly url: string;
  private readonly where: string;
  private readonly connectionName: string;
  private readonly prefetch: number;
  private readonly publishTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly drainTimeoutMs: number;
  private readonly reconnect: BackoffSettings;
  private readonly openConnection: AmqpConnect;

  private state: State = 'idle';
  private model: ChannelModel | undefined;
  private publisher: ConfirmPublisher | undefined;
  private consumers = new Map<string, LiveConsumer>();
  private readonly groups = new Map<string, GroupConsumer>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly connectionWaiters = new Set<() => void>();
  private consuming = false;
  private reconnecting = false;
  private everConnected = false;
  private lastError: Error | undefined;
  private wakeUp: (() => void) | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: RabbitMqEventBusOptions) {
    super();
    if (!Number.isInteger(options.prefetch) || options.prefetch < 1) {
      throw new Error(`prefetch must be a positive whole number (got ${options.prefetch})`);
    }
    this.retry = new RetryPolicy(options.retryDelaysMs);
    this.topology = new RabbitMqTopology(options.namespace ?? 'mailpush', this.retry, options.deliveryLimit ?? 20);
    this.url = withHeartbeat(options.url, options.heartbeatSeconds ?? 10);
    this.where = describeUrl(options.url);
    this.connectionName = options.connectionName;
    this.prefetch = options.prefetch;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.reconnect = options.reconnect ?? { initialDelayMs: 200, maxDelayMs: 15_000 };
    this.openConnection = options.connect ?? ((url, socketOptions) => amqpConnect(url, socketOptions));
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  async publish<T>(contract: MessageContract<T>, payload: T, options: PublishOptions = {}): Promise<PublishReceipt> {
    const { envelope, body } = encodeEnvelope(contract, payload, options);
    const { id, type, occurredAt } = envelope;
    const deadline = Date.now() + (options.timeoutMs ?? this.publishTimeoutMs);
    await tracePublish('rabbitmq', { type, id }, (traceHeaders) =>
      this.send(
        {
          exchange: this.topology.exchange,
          routingKey: type,
          body,
          properties: {
            messageId: id,
            type,
            persistent: true,
            contentType: 'application/json',
            timestamp: Math.floor(Date.parse(occurredAt) / 1000),
            appId: this.connectionName,
            headers: traceHeaders,
          },
        },
        deadline,
      ),
    );
    this.metrics.published(type);
    return { id, occurredAt };
  }

  async subscribe<T>(
    contract: MessageContract<T>,
    handler: MessageHandler<T>,
    options: SubscribeOptions,
  ): Promise<void> {
    if (this.isShuttingDown()) throw new Error('the bus is closed');
    const group =
      this.groups.get(options.group) ??
      new GroupConsumer(options.group, this.retry, this.metrics, 'rabbitmq', this.logger);
    group.add(contract, handler);
    this.groups.set(group.group, group);
    if (!this.consuming) return;
    await this.withLock(async () => {
      const model = this.model;
      if (this.state !== 'connected' || model === undefined) return; // the next connection sets it up
      const live = this.consumers.get(group.group);
      if (live === undefined) this.consumers.set(group.group, await this.openConsumer(model, group));
      else await live.channel.bindQueue(this.topology.workQueue(group.group), this.topology.exchange, contract.type);
    });
  }

  start(): Promise<void> {
    this.starting ??= this.connectAndConsume();
    return this.starting;
  }

  async stopConsuming(): Promise<void> {
    const wasConsuming = this.consuming;
    this.consuming = false;
    if (wasConsuming) {
      const cancelling = this.withLock(async () => {
        for (const [group, live] of this.consumers) {
          const tag = live.consumerTag;
          if (live.closed || tag === undefined) continue;
          live.consumerTag = undefined;
          // Bounded: on a connection that died silently the answer never comes (until heartbeats notice).
          const cancelled = live.channel.cancel(tag).catch((error: unknown) => {
            this.logger.debug(`cancelling the consumer of ${group}: ${errorMessage(error)}`);
          });
          await settledWithin(cancelled, CLOSE_TIMEOUT_MS);
        }
      });
      if (!(await settledWithin(cancelling, this.drainTimeoutMs))) {
        this.logger.warn(`consumers not cancelled within ${this.drainTimeoutMs} ms`);
      }
    }
    if (this.inFlight.size > 0) {
      const running = this.inFlight.size;
      this.logger.log(`waiting for ${running} running handler(s)`);
      if (!(await settledWithin(Promise.allSettled([...this.inFlight]), this.drainTimeoutMs))) {
        this.logger.warn(
          `${running} handler(s) still running after ${this.drainTimeoutMs} ms; their messages will be delivered again`,
        );
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stopConsuming();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async listDeadLetters(group: string, limit = 100): Promise<readonly DeadLetter[]> {
    assertConsumerGroupName(group);
    const queue = this.topology.deadLetterQueue(group);
    // Messages are fetched without ack and all go back when the channel closes.
    return this.withTemporaryChannel(queue, async (channel) => {
      const letters: DeadLetter[] = [];
      while (letters.length < limit) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) break;
        letters.push(readDeadLetter(group, message.content, message.properties.headers ?? {}));
      }
      return letters;
    });
  }

  async replayDeadLetter(group: string, messageId: string): Promise<boolean> {
    assertConsumerGroupName(group);
    if (await this.replayOnce(group, messageId)) return true;
    // Letters another scan (a listing, an earlier replay) held unacknowledged go back to the quorum queue
    // asynchronously after its channel closed; look once more before saying there is no such letter.
    await new Promise((resolve) => setTimeout(resolve, REPLAY_RESCAN_DELAY_MS));
    return this.replayOnce(group, messageId);
  }

  private replayOnce(group: string, messageId: string): Promise<boolean> {
    const queue = this.topology.deadLetterQueue(group);
    return this.withTemporaryChannel(queue, async (channel, messageCount) => {
      for (let seen = 0; seen < messageCount; seen += 1) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) return false;
        const headers: MessageHeaders = message.properties.headers ?? {};
        if (readDeadLetter(group, message.content, headers).id !== messageId) continue;
        await this.send(
          {
            exchange: '',
            routingKey: this.topology.workQueue(group),
            body: message.content,
            properties: { ...this.copyProperties(message), headers: replayHeaders(headers, new Date()) },
          },
          Date.now() + this.publishTimeoutMs,
        );
        channel.ack(message);
        this.logger.log(`replayed dead letter ${messageId} of group ${group}`);
        return true;
      }
      return false;
    });
  }

  private async connectAndConsume(): Promise<void> {
    if (this.isShuttingDown()) throw new Error('the bus is closed');
    this.consuming = true;
    this.ensureReconnecting();
    if (await this.waitForConnection(Date.now() + this.connectTimeoutMs)) return;
    const reason = this.lastError?.message ?? 'no answer';
    await this.close();
    throw new Error(`could not connect to RabbitMQ at ${this.where} within ${this.connectTimeoutMs} ms: ${reason}`);
  }

  private isShuttingDown(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  private isUsable(): boolean {
    return this.state === 'connected' && this.publisher?.isOpen === true;
  }

  /** Serialises topology changes: (re)connection, late subscriptions, cancelling consumers. */
  private withLock<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task, task);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private ensureReconnecting(): void {
    if (this.reconnecting || this.isShuttingDown()) return;
    this.reconnecting = true;
    this.state = 'connecting';
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    for (let attempt = 1; !this.isShuttingDown(); attempt += 1) {
      try {
        await this.withLock(() => this.establish());
        return;
      } catch (error) {
        this.lastError = toError(error);
        if (this.isShuttingDown()) break;
        const delay = backoffDelay(attempt, this.reconnect);
        this.logger.warn(
          `RabbitMQ at ${this.where} unavailable (attempt ${attempt}): ${this.lastError.message}; next try in ${delay} ms`,
        );
        await this.sleep(delay);
      }
    }
    this.reconnecting = false;
  }

  /** One connection attempt: connection, publisher channel, exchange, and the consumers of every group. */
  private async establish(): Promise<void> {
    if (this.isShuttingDown()) return;
    const model = await this.openConnection(this.url, {
      // amqplib leaves Nagle's algorithm on, which holds every publish confirm round trip ~40 ms on Linux.
      noDelay: true,
      timeout: SOCKET_CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: this.connectionName },
    });
    const status = { lost: false };
    model.on('error', (error: Error) => this.logger.warn(`RabbitMQ connection error: ${error.message}`));
    model.on('close', (error?: Error) => {
      status.lost = true;
      this.onConnectionClosed(model, error);
    });
    model.on('blocked', (reason: string) => this.logger.warn(`RabbitMQ blocks publishing: ${reason}`));
    model.on('unblocked', () => this.logger.log('RabbitMQ accepts publishing again'));
    try {
      const channel = await model.createConfirmChannel();
      this.watchChannel(model, channel, 'publisher');
      const publisher = new ConfirmPublisher(channel);
      await channel.assertExchange(this.topology.exchange, 'topic', { durable: true });
      const consumers = new Map<string, LiveConsumer>();
      if (this.consuming) {
        for (const group of this.groups.values()) consumers.set(group.group, await this.openConsumer(model, group));
      }
      if (status.lost || !publisher.isOpen || [...consumers.values()].some((c) => c.closed)) {
        throw new Error('the connection or a channel closed while the topology was being declared');
      }
      if (this.isShuttingDown()) throw new Error('the bus is closing');
      this.model = model;
      this.publisher = publisher;
      this.consumers = consumers;
      this.state = 'connected';
      this.reconnecting = false;
      this.lastError = undefined;
      this.logger.log(
        `${this.everConnected ? 'reconnected' : 'connected'} to RabbitMQ at ${this.where}` +
          (consumers.size > 0 ? `, consuming for ${[...consumers.keys()].join(', ')}` : ''),
      );
      this.everConnected = true;
      this.notifyConnectionWaiters();
    } catch (error) {
      await settledWithin(model.close(), CLOSE_TIMEOUT_MS);
      throw error;
    }
  }

  private async openConsumer(model: ChannelModel, group: GroupConsumer): Promise<LiveConsumer> {
    const channel = await model.createChannel();
    const live: LiveConsumer = { channel, consumerTag: undefined, closed: false };
    channel.on('close', () => {
      live.closed = true;
    });
    this.watchChannel(model, channel, `consumer ${group.group}`);
    for (const queue of this.topology.queues(group.group)) await channel.assertQueue(queue.name, queue.options);
    const workQueue = this.topology.workQueue(group.group);
    for (const type of group.types) await channel.bindQueue(workQueue, this.topology.exchange, type);
    await channel.prefetch(this.prefetch);
    const { consumerTag } = await channel.consume(
      workQueue,
      (message) => this.onDelivery(model, group, channel, message),
      {
        noAck: false,
      },
    );
    live.consumerTag = consumerTag;
    return live;
  }

  /** A channel that closes under a live connection takes the connection down, so everything is set up again. */
  private watchChannel(model: ChannelModel, channel: Channel, role: string): void {
    channel.on('error', (error: Error) => this.logger.warn(`RabbitMQ ${role} channel error: ${error.message}`));
    channel.on('close', () => {
      if (this.model !== model || this.isShuttingDown()) return;
      this.logger.error(`RabbitMQ ${role} channel closed unexpectedly; reconnecting`);
      model.close().catch(() => undefined);
    });
  }

  private onConnectionClosed(model: ChannelModel, error: Error | undefined): void {
    if (this.model !== model) return;
    this.model = undefined;
    this.publisher = undefined;
    this.consumers = new Map();
    if (this.isShuttingDown()) return;
    this.lastError = error ?? new Error('connection closed');
    this.logger.error(`lost the RabbitMQ connection (${this.lastError.message}); reconnecting`);
    this.state = 'connecting';
    this.ensureReconnecting();
  }

  private onDelivery(
    model: ChannelModel,
    group: GroupConsumer,
    channel: Channel,
    message: ConsumeMessage | null,
  ): void {
    if (message === null) {
      if (this.model === model && !this.isShuttingDown()) {
        this.logger.error(`the broker cancelled the consumer of ${group.group} (queue deleted?); reconnecting`);
        model.close().catch(() => undefined);
      }
      return;
    }
    const task = this.handle(group, channel, message);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async handle(group: GroupConsumer, channel: Channel, message: ConsumeMessage): Promise<void> {
    try {
      const typeHint: unknown = message.properties.type;
      const outcome = await group.process({
        body: message.content,
        headers: message.properties.headers ?? {},
        redelivered: message.fields.redelivered,
        typeHint: typeof typeHint === 'string' ? typeHint : message.fields.routingKey,
      });
      if (outcome.kind !== 'handled') {
        const queue =
          outcome.kind === 'retry'
            ? this.topology.retryQueue(group.group, outcome.delayMs)
            : this.topology.deadLetterQueue(group.group);
        try {
          await this.send(
            {
              exchange: '',
              routingKey: queue,
              body: message.content,
              properties: { ...this.copyProperties(message), headers: outcome.headers },
            },
            Date.now() + this.publishTimeoutMs,
          );
        } catch (error) {
          this.logger.error(
            `could not move ${outcome.type} ${outcome.id} to ${queue} (${errorMessage(error)}); it goes back to the work queue`,
          );
          this.settle(channel, message, 'requeue');
          return;
        }
      }
      if (!this.settle(channel, message, 'ack')) return;
      switch (outcome.kind) {
        case 'handled':
          this.metrics.consumed(outcome.type);
          break;
        case 'retry':
          this.metrics.retried(outcome.type);
          break;
        case 'dead-letter':
          this.metrics.deadLettered(outcome.type);
          break;
      }
    } catch (error) {
      this.logger.error(`unexpected failure while handling a delivery: ${errorMessage(error)}`);
      this.settle(channel, message, 'requeue');
    }
  }

  /** Acks or requeues; `false` when the channel is gone (the broker then delivers the message again). */
  private settle(channel: Channel, message: Message, how: 'ack' | 'requeue'): boolean {
    try {
      if (how === 'ack') channel.ack(message);
      else channel.nack(message, false, true);
      return true;
    } catch (error) {
      this.logger.warn(
        `could not ${how} message ${String(message.properties.messageId)}: ${errorMessage(error)}; the broker delivers it again`,
      );
      return false;
    }
  }

  private copyProperties(message: Message): OutgoingMessage['properties'] {
    const properties = message.properties;
    const messageId: unknown = properties.messageId;
    const type: unknown = properties.type;
    const contentType: unknown = properties.contentType;
    const timestamp: unknown = properties.timestamp;
    const appId: unknown = properties.appId;
    return {
      messageId: typeof messageId === 'string' && messageId.length > 0 ? messageId : randomUUID(),
      type: typeof type === 'string' ? type : message.fields.routingKey,
      persistent: true,
      contentType: typeof contentType === 'string' ? contentType : 'application/json',
      ...(typeof timestamp === 'number' ? { timestamp } : {}),
      ...(typeof appId === 'string' ? { appId } : {}),
    };
  }

  /** Publishes with confirm on the current connection, waiting for one until the deadline. */
  private async send(message: OutgoingMessage, deadline: number): Promise<void> {
    const { messageId, type } = message.properties;
    for (;;) {
      if (this.isShuttingDown()) throw new PublishFailedError('closed', type, messageId, 'the bus is closed');
      const publisher = this.publisher;
      if (this.isUsable() && publisher !== undefined) {
        await publisher.publish(message, deadline);
        return;
      }
      if (!(await this.waitForConnection(deadline))) {
        if (this.isShuttingDown()) throw new PublishFailedError('closed', type, messageId, 'the bus is closed');
        const why = this.lastError === undefined ? '' : ` (last error: ${this.lastError.message})`;
        throw new PublishFailedError(
          'timeout',
          type,
          messageId,
          `no connection to RabbitMQ at ${this.where} before the publish deadline${why}`,
        );
      }
    }
  }

  /** Resolves `true` once connected, `false` at the deadline or when the bus closes. */
  private waitForConnection(deadline: number): Promise<boolean> {
    if (this.isUsable()) return Promise.resolve(true);
    if (this.isShuttingDown()) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.connectionWaiters.delete(wake);
        resolve(this.isUsable());
      };
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      this.connectionWaiters.add(wake);
    });
  }

  private notifyConnectionWaiters(): void {
    for (const wake of [...this.connectionWaiters]) wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async withTemporaryChannel<T>(
    queue: string,
    task: (channel: Channel, messageCount: number) => Promise<T>,
  ): Promise<T> {
    const model = this.model;
    if (this.state !== 'connected' || model === undefined)
      throw new Error(`not connected to RabbitMQ at ${this.where}`);
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => this.logger.debug(`dead-letter channel: ${error.message}`));
    try {
      let messageCount: number;
      try {
        ({ messageCount } = await channel.checkQueue(queue));
      } catch (error) {
        throw new Error(`no dead-letter queue ${queue}: ${errorMessage(error)}`);
      }
      return await task(channel, messageCount);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async shutdown(): Promise<void> {
    await this.stopConsuming();
    const wasConnected = this.model !== undefined;
    this.state = 'closing';
    this.wakeUp?.();
    this.notifyConnectionWaiters();
    // A connection attempt in progress notices the shutdown and closes its own connection.
    await settledWithin(this.lock, SOCKET_CONNECT_TIMEOUT_MS);
    const model = this.model;
    const channels = [...this.consumers.values()].filter((c) => !c.closed).map((c) => c.channel);
    const publisher = this.publisher;
    this.model = undefined;
    this.publisher = undefined;
    this.consumers = new Map();
    // Channels first: a channel's close-ok comes after the broker processed the acks sent before it, whereas
    // acks still in flight when the whole connection closes can be dropped (and the messages redelivered).
    await Promise.all([
      ...channels.map((channel) => settledWithin(channel.close(), CLOSE_TIMEOUT_MS)),
      ...(publisher === undefined ? [] : [settledWithin(publisher.close(), CLOSE_TIMEOUT_MS)]),
    ]);
    if (model !== undefined && !(await settledWithin(model.close(), CLOSE_TIMEOUT_MS))) {
      this.logger.warn(`the broker did not answer the connection close within ${CLOSE_TIMEOUT_MS} ms`);
    }
    this.state = 'closed';
    if (wasConnected) this.logger.log(`closed the RabbitMQ connection to ${this.where}`);
  }
}
