import type { MessageContract } from '../contracts/message.contract';
import type { EnvelopeOptions } from '../contracts/message.envelope';

export interface PublishOptions extends EnvelopeOptions {
  /**
   * How long `publish` may take in all, waiting for a lost connection to come back included, before it
   * rejects. Default: the bus's publish timeout (5 s).
   */
  readonly timeoutMs?: number;
}

/** What the bus confirmed. */
export interface PublishReceipt {
  readonly id: string;
  readonly occurredAt: string;
}

/** One delivery as a handler sees it. */
export interface ReceivedMessage<T> {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly payload: T;
  /** The consumer group this delivery belongs to. */
  readonly group: string;
  /** 1 on the first try, then 2, 3, ... after each failed attempt (retry schedule). */
  readonly attempt: number;
  /** The broker delivered this before without an ack (a consumer died): handlers must be idempotent on `id`. */
  readonly redelivered: boolean;
}

/** Resolves when the message is handled (it is then acknowledged); throws to have it retried. */
export type MessageHandler<T> = (payload: T, message: ReceivedMessage<T>) => Promise<void> | void;

export interface SubscribeOptions {
  /**
   * The consumer group: each group receives its own copy of every message type it subscribes to, and the
   * instances of one group share the work. Lower-case letters, digits, `-` and `_`.
   */
  readonly group: string;
}

/** A message that exhausted its retries, failed validation or had no handler; kept until replayed. */
export interface DeadLetter {
  /** Message id, or `''` when the body was not an envelope. */
  readonly id: string;
  readonly type: string;
  readonly version: number | undefined;
  readonly group: string;
  readonly reason: string;
  /** Deliveries tried before it was dead-lettered. */
  readonly attempts: number;
  readonly firstFailedAt: string | undefined;
  readonly deadLetteredAt: string | undefined;
  readonly occurredAt: string | undefined;
  /** The payload as published (not validated), `undefined` when the body was not an envelope. */
  readonly payload: unknown;
}

/**
 * The event bus between mailpush services. At-least-once: a message is handled at least once per consumer
 * group, possibly more than once (redelivery after a crash), so handlers de-duplicate on the message id.
 *
 * - `publish` resolves only when the bus has the message (a broker confirm for RabbitMQ) and rejects with a
 *   `PublishFailedError` otherwise: nacked, unroutable, connection lost, timed out or closed.
 * - A handler that throws is retried after each of the configured delays, then dead-lettered with the reason.
 *   A payload that fails its contract's validation is dead-lettered at once.
 * - Trace context travels with the message: the handler runs in a consumer span whose parent is the
 *   publisher's span.
 */
export abstract class EventBus {
  /** Publishes one message; resolves when it is durably accepted. */
  abstract publish<T>(contract: MessageContract<T>, payload: T, options?: PublishOptions): Promise<PublishReceipt>;

  /**
   * Registers the handler of one message type in one consumer group. Before `start` it is only recorded;
   * afterwards the subscription is set up at once. A second handler for the same type and group is refused.
   */
  abstract subscribe<T>(
    contract: MessageContract<T>,
    handler: MessageHandler<T>,
    options: SubscribeOptions,
  ): Promise<void>;

  /** Connects (if there is anything to connect to) and starts consuming. Idempotent. */
  abstract start(): Promise<void>;

  /** Stops consuming and lets in-flight handlers finish (bounded). Publishing still works. */
  abstract stopConsuming(): Promise<void>;

  /** Stops consuming, drains in-flight handlers (bounded) and closes. Idempotent. */
  abstract close(): Promise<void>;

  /** True while the bus can take messages (for RabbitMQ: connected, topology declared). */
  abstract get connected(): boolean;

  /**
   * Up to `limit` dead letters of a group, in queue order, without removing them (on RabbitMQ they are
   * fetched unacknowledged and returned, which moves them to the back of the queue).
   */
  abstract listDeadLetters(group: string, limit?: number): Promise<readonly DeadLetter[]>;

  /**
   * Sends a dead letter back to its group's work queue with a fresh attempt count (not to the exchange, so
   * other groups do not see it twice). Resolves `false` when no dead letter of that group has the id.
   */
  abstract replayDeadLetter(group: string, messageId: string): Promise<boolean>;
}
