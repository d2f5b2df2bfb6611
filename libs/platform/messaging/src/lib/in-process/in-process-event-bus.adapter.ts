import { Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import type { MessageContract } from '../contracts/message.contract';
import { encodeEnvelope } from '../contracts/message.envelope';
import { BusMetrics } from '../core/bus.metrics';
import { tracePublish } from '../core/bus.tracing';
import { GroupConsumer, type DeliveryOutcome } from '../core/group.consumer';
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

export interface InProcessEventBusOptions {
  /** Handlers of one group running at once. */
  readonly prefetch: number;
  readonly retryDelaysMs: readonly number[];
  /** How long shutdown waits for running handlers. Default 10 s. */
  readonly drainTimeoutMs?: number;
}

interface QueuedMessage {
  readonly body: Buffer;
  readonly headers: MessageHeaders;
  readonly typeHint: string;
}

interface GroupState {
  readonly consumer: GroupConsumer;
  readonly queue: QueuedMessage[];
  readonly deadLetters: QueuedMessage[];
  active: number;
}

/**
 * The bus inside one process (the standalone server, unit tests), with the semantics of the RabbitMQ one:
 * messages are copied as JSON, every consumer group gets its own copy, at most `prefetch` handlers of a
 * group run at once, a failed handler is retried on the same delay schedule and then dead-lettered, an
 * invalid payload is dead-lettered at once, and a type nobody consumes is refused as unroutable.
 * Nothing survives the process: the standalone server's catch-up syncs cover a restart.
 */
export class InProcessEventBus extends EventBus implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(InProcessEventBus.name);
  private readonly metrics = new BusMetrics();
  private readonly retry: RetryPolicy;
  private readonly prefetch: number;
  private readonly drainTimeoutMs: number;
  private readonly groups = new Map<string, GroupState>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private consuming = false;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: InProcessEventBusOptions) {
    super();
    if (!Number.isInteger(options.prefetch) || options.prefetch < 1) {
      throw new Error(`prefetch must be a positive whole number (got ${options.prefetch})`);
    }
    this.prefetch = options.prefetch;
    this.retry = new RetryPolicy(options.retryDelaysMs);
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  }

  get connected(): boolean {
    return !this.closed;
  }

  async publish<T>(contract: MessageContract<T>, payload: T, options: PublishOptions = {}): Promise<PublishReceipt> {
    const { envelope, body } = encodeEnvelope(contract, payload, options);
    const { id, type } = envelope;
    return await tracePublish('in-process', { type, id }, (traceHeaders) => {
      if (this.closed) throw new PublishFailedError('closed', type, id, 'the bus is closed');
      const targets = [...this.groups.values()].filter((g) => g.consumer.types.includes(type));
      if (targets.length === 0) {
        throw new PublishFailedError('unroutable', type, id, 'no consumer group subscribes to this type');
      }
      for (const group of targets) {
        group.queue.push({ body, headers: { ...traceHeaders }, typeHint: type });
        this.schedule(group);
      }
      this.metrics.published(type);
      return { id, occurredAt: envelope.occurredAt };
    });
  }

  subscribe<T>(contract: MessageContract<T>, handler: MessageHandler<T>, options: SubscribeOptions): Promise<void> {
    try {
      if (this.closed) throw new Error('the bus is closed');
      const group =
        this.groups.get(options.group)?.consumer ??
        new GroupConsumer(options.group, this.retry, this.metrics, 'in-process', this.logger);
      group.add(contract, handler);
      if (!this.groups.has(group.group)) {
        this.groups.set(group.group, { consumer: group, queue: [], deadLetters: [], active: 0 });
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the bus is closed'));
    if (!this.consuming) {
      this.consuming = true;
      for (const group of this.groups.values()) this.schedule(group);
    }
    return Promise.resolve();
  }

  async stopConsuming(): Promise<void> {
    this.consuming = false;
    if (this.inFlight.size === 0) return;
    const running = this.inFlight.size;
    if (!(await settledWithin(Promise.allSettled([...this.inFlight]), this.drainTimeoutMs))) {
      this.logger.warn(`${running} handler(s) still running after ${this.drainTimeoutMs} ms; not waiting any longer`);
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

  listDeadLetters(group: string, limit = 100): Promise<readonly DeadLetter[]> {
    const state = this.groups.get(group);
    const stored = state?.deadLetters.slice(0, limit) ?? [];
    return Promise.resolve(stored.map((m) => readDeadLetter(group, m.body, m.headers)));
  }

  replayDeadLetter(group: string, messageId: string): Promise<boolean> {
    const state = this.groups.get(group);
    if (state === undefined || this.closed) return Promise.resolve(false);
    const index = state.deadLetters.findIndex((m) => readDeadLetter(group, m.body, m.headers).id === messageId);
    const [message] = index < 0 ? [] : state.deadLetters.splice(index, 1);
    if (message === undefined) return Promise.resolve(false);
    state.queue.push({ ...message, headers: replayHeaders(message.headers, new Date()) });
    this.schedule(state);
    return Promise.resolve(true);
  }

  private async shutdown(): Promise<void> {
    await this.stopConsuming();
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    const waiting = this.retryTimers.size + [...this.groups.values()].reduce((n, g) => n + g.queue.length, 0);
    this.retryTimers.clear();
    if (waiting > 0) {
      this.logger.warn(`${waiting} message(s) not yet handled are dropped: the in-process bus keeps nothing on exit`);
    }
  }

  /** Handlers run on a later turn of the event loop, never inside the publisher's call. */
  private schedule(group: GroupState): void {
    setImmediate(() => this.pump(group));
  }

  private pump(group: GroupState): void {
    while (this.consuming && group.active < this.prefetch) {
      const message = group.queue.shift();
      if (message === undefined) return;
      group.active += 1;
      const task = this.deliver(group, message)
        .catch((error: unknown) => this.logger.error(`delivery failed unexpectedly: ${errorMessage(error)}`))
        .finally(() => {
          group.active -= 1;
          this.inFlight.delete(task);
          this.pump(group);
        });
      this.inFlight.add(task);
    }
  }

  private async deliver(group: GroupState, message: QueuedMessage): Promise<void> {
    const outcome: DeliveryOutcome = await group.consumer.process({
      body: message.body,
      headers: message.headers,
      redelivered: false,
      typeHint: message.typeHint,
    });
    switch (outcome.kind) {
      case 'handled':
        this.metrics.consumed(outcome.type);
        return;
      case 'retry': {
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          group.queue.push({ ...message, headers: outcome.headers });
          this.pump(group);
        }, outcome.delayMs);
        this.retryTimers.add(timer);
        this.metrics.retried(outcome.type);
        return;
      }
      case 'dead-letter':
        group.deadLetters.push({ ...message, headers: outcome.headers });
        this.metrics.deadLettered(outcome.type);
        return;
    }
  }
}
