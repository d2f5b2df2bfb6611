import { performance } from 'node:perf_hooks';
import type { Logger } from '@nestjs/common';
import type { AnyMessageContract, MessageContract } from '../contracts/message.contract';
import { decodeEnvelope, type MessageEnvelope } from '../contracts/message.envelope';
import type { MessageHandler, ReceivedMessage } from '../port/event-bus.port';
import { HandlerRegistrationError } from '../port/handler-registration.error';
import type { BusMetrics } from './bus.metrics';
import { assertConsumerGroupName } from './consumer-group.name';
import { traceConsume, type MessagingSystem } from './bus.tracing';
import { NonRetryableError } from '../port/non-retryable.error';
import { ATTEMPT_HEADER, deadLetterHeaders, readCount, retryHeaders, type MessageHeaders } from './message.headers';
import type { RetryPolicy } from './retry.policy';

/** One delivery as the transport hands it over. */
export interface InboundMessage {
  readonly body: Buffer;
  readonly headers: MessageHeaders;
  readonly redelivered: boolean;
  /** The type the transport says it carries, used when the body cannot be read. */
  readonly typeHint?: string;
}

/** What the transport must do with a delivery. */
export type DeliveryOutcome =
  | { readonly kind: 'handled'; readonly type: string; readonly id: string }
  | {
      readonly kind: 'retry';
      readonly type: string;
      readonly id: string;
      readonly delayMs: number;
      /** Failed tries so far. */
      readonly failures: number;
      readonly headers: Record<string, unknown>;
    }
  | {
      readonly kind: 'dead-letter';
      readonly type: string;
      readonly id: string;
      readonly reason: string;
      readonly attempts: number;
      readonly headers: Record<string, unknown>;
    };

type DeliveryMeta = Omit<ReceivedMessage<unknown>, 'payload'>;

interface Registration {
  readonly contract: AnyMessageContract;
  /** Validates the payload (throws `MessageValidationError`) and returns the handler call. */
  prepare(payload: unknown, meta: DeliveryMeta): () => Promise<void>;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The handlers of one consumer group and the decision, shared by every transport, of what happens to a
 * delivery: handled, retried after the next delay, or dead-lettered (unreadable, unknown type or version,
 * invalid payload, retries exhausted). It never throws; the transport applies the outcome.
 */
export class GroupConsumer {
  private readonly handlers = new Map<string, Registration>();

  constructor(
    readonly group: string,
    private readonly retry: RetryPolicy,
    private readonly metrics: BusMetrics,
    private readonly system: MessagingSystem,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    assertConsumerGroupName(group);
  }

  get types(): readonly string[] {
    return [...this.handlers.keys()];
  }

  add<T>(contract: MessageContract<T>, handler: MessageHandler<T>): void {
    const existing = this.handlers.get(contract.type);
    if (existing !== undefined) {
      throw new HandlerRegistrationError([
        `message type "${contract.type}" already has a handler in consumer group "${this.group}" (${existing.contract.toString()})`,
      ]);
    }
    this.handlers.set(contract.type, {
      contract,
      prepare: (payload, meta) => {
        const value = contract.parse(payload);
        const message: ReceivedMessage<T> = { ...meta, payload: value };
        return async () => {
          await handler(value, message);
        };
      },
    });
  }

  async process(message: InboundMessage): Promise<DeliveryOutcome> {
    let envelope: MessageEnvelope;
    try {
      envelope = decodeEnvelope(message.body);
    } catch (error) {
      return this.deadLetter(
        message,
        message.typeHint ?? 'unknown',
        '',
        `unreadable message: ${describeError(error)}`,
        1,
      );
    }
    const { id, type, version } = envelope;
    const failuresSoFar = readCount(message.headers, ATTEMPT_HEADER);
    const attempt = failuresSoFar + 1;

    const registration = this.handlers.get(type);
    if (registration === undefined) {
      return this.deadLetter(message, type, id, `no handler for ${type} in consumer group "${this.group}"`, attempt);
    }
    if (version !== registration.contract.version) {
      return this.deadLetter(
        message,
        type,
        id,
        `${type} v${version} is not handled in consumer group "${this.group}" (its contract is v${registration.contract.version})`,
        attempt,
      );
    }

    let run: () => Promise<void>;
    try {
      run = registration.prepare(envelope.payload, {
        id,
        type,
        version,
        occurredAt: envelope.occurredAt,
        group: this.group,
        attempt,
        redelivered: message.redelivered,
      });
    } catch (error) {
      return this.deadLetter(message, type, id, describeError(error), attempt);
    }

    const started = performance.now();
    try {
      await traceConsume(this.system, { type, id, group: this.group, attempt }, message.headers, run);
      this.metrics.handlerDuration(type, (performance.now() - started) / 1000);
      return { kind: 'handled', type, id };
    } catch (error) {
      this.metrics.handlerDuration(type, (performance.now() - started) / 1000);
      const reason = describeError(error);
      if (error instanceof NonRetryableError) {
        return this.deadLetter(message, type, id, `handler refused it: ${reason}`, attempt);
      }
      const delayMs = this.retry.delayAfter(attempt);
      if (delayMs === undefined) {
        return this.deadLetter(message, type, id, `handler failed ${attempt} time(s), last: ${reason}`, attempt);
      }
      this.logger.warn(
        `${type} ${id} failed in group ${this.group} (try ${attempt} of ${this.retry.maxAttempts}), retrying in ${delayMs} ms: ${reason}`,
      );
      return {
        kind: 'retry',
        type,
        id,
        delayMs,
        failures: attempt,
        headers: retryHeaders(message.headers, attempt, reason, this.now()),
      };
    }
  }

  private deadLetter(
    message: InboundMessage,
    type: string,
    id: string,
    reason: string,
    attempts: number,
  ): DeliveryOutcome {
    this.logger.error(
      `${type} ${id || '(no id)'} dead-lettered in group ${this.group} after ${attempts} try(ies): ${reason}`,
    );
    return {
      kind: 'dead-letter',
      type,
      id,
      reason,
      attempts,
      headers: deadLetterHeaders(message.headers, { group: this.group, type, attempts, reason }, this.now()),
    };
  }
}
