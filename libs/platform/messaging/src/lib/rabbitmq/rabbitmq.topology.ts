import type { Options } from 'amqplib';
import { assertConsumerGroupName } from '../core/consumer-group.name';
import type { RetryPolicy } from '../core/retry.policy';

const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;

export interface QueueDeclaration {
  readonly name: string;
  readonly options: Options.AssertQueue;
}

/**
 * Names and arguments of everything the bus declares on the broker.
 *
 * - `<ns>.events`: durable topic exchange; the routing key is the message type.
 * - `<ns>.<group>`: the group's work queue, bound to the exchange once per type the group handles.
 * - `<ns>.<group>.retry.<delay>ms`: one per retry delay; messages wait there for the queue's TTL, then the
 *   broker dead-letters them back to the work queue.
 * - `<ns>.<group>.dead`: the dead-letter queue, kept until replayed.
 *
 * All are quorum queues (replicated, and the only kind with at-least-once dead-lettering: a message expiring
 * from a retry queue cannot be lost in between). The work queue has a delivery limit: a message whose
 * consumer dies before acknowledging that many times (a poison message crashing the process) is moved to
 * the dead-letter queue by the broker instead of looping forever.
 */
export class RabbitMqTopology {
  constructor(
    readonly namespace: string,
    private readonly retry: RetryPolicy,
    private readonly deliveryLimit: number,
  ) {
    if (!NAMESPACE_PATTERN.test(namespace)) {
      throw new Error(`namespace "${namespace}" must be 1-50 lower-case letters, digits, "-" or "_"`);
    }
    if (!Number.isInteger(deliveryLimit) || deliveryLimit < 1) {
      throw new Error(`delivery limit must be a positive whole number (got ${deliveryLimit})`);
    }
  }

  get exchange(): string {
    return `${this.namespace}.events`;
  }

  workQueue(group: string): string {
    return `${this.namespace}.${group}`;
  }

  retryQueue(group: string, delayMs: number): string {
    return `${this.namespace}.${group}.retry.${delayMs}ms`;
  }

  deadLetterQueue(group: string): string {
    return `${this.namespace}.${group}.dead`;
  }

  /** Every queue of a group, dead-letter queue first so that whatever dead-letters into it finds it. */
  queues(group: string): readonly QueueDeclaration[] {
    assertConsumerGroupName(group);
    const atLeastOnceDeadLettering = {
      'x-dead-letter-exchange': '',
      'x-dead-letter-strategy': 'at-least-once',
      // at-least-once dead-lettering requires it; no length limit is set, so it never applies.
      'x-overflow': 'reject-publish',
    };
    const delays = [...new Set(this.retry.delaysMs)];
    return [
      { name: this.deadLetterQueue(group), options: { durable: true, arguments: { 'x-queue-type': 'quorum' } } },
      ...delays.map((delayMs) => ({
        name: this.retryQueue(group, delayMs),
        options: {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-message-ttl': delayMs,
            ...atLeastOnceDeadLettering,
            'x-dead-letter-routing-key': this.workQueue(group),
          },
        },
      })),
      {
        name: this.workQueue(group),
        options: {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-delivery-limit': this.deliveryLimit,
            ...atLeastOnceDeadLettering,
            'x-dead-letter-routing-key': this.deadLetterQueue(group),
          },
        },
      },
    ];
  }
}
