import type { ConfirmChannel, Message, Options } from 'amqplib';
import { PublishFailedError } from '../port/publish-failed.error';

interface PendingPublish {
  /** Set when the broker returned the message as unroutable; the confirm that follows then means nothing. */
  returned: string | undefined;
  readonly settled: Promise<void>;
}

export interface OutgoingMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly body: Buffer;
  readonly properties: Options.Publish & { readonly messageId: string; readonly type: string };
}

/**
 * Publishes on one confirm channel and resolves only on the broker's ack. Every publish is `mandatory`, so
 * a message no queue would take is returned, and reported as unroutable rather than "confirmed" and
 * dropped. Returns are matched to publishes by message id: the broker sends the return before the ack of
 * the same message, and two publishes with one id are never in flight together on this channel.
 */
export class ConfirmPublisher {
  private readonly pending = new Map<string, PendingPublish>();
  private writable: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly channel: ConfirmChannel) {
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.messageId;
      const entry = typeof id === 'string' ? this.pending.get(id) : undefined;
      if (entry !== undefined)
        entry.returned = `${message.fields.routingKey}: ${String(message.properties.type)} returned`;
    });
    channel.on('close', () => {
      this.closed = true;
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Closes the channel; publishes still unconfirmed reject as `connection-lost`. */
  async close(): Promise<void> {
    if (!this.closed) await this.channel.close();
  }

  /** Resolves when the broker confirmed the message; rejects with a `PublishFailedError` otherwise. */
  async publish(message: OutgoingMessage, deadline: number): Promise<void> {
    const { messageId: id, type } = message.properties;
    const fail = (failure: PublishFailedError['failure'], detail: string): PublishFailedError =>
      new PublishFailedError(failure, type, id, detail);

    for (let previous = this.pending.get(id); previous !== undefined; previous = this.pending.get(id)) {
      if (!(await beforeDeadline(previous.settled, deadline))) {
        throw fail('timeout', 'an earlier publish of the same id was still unconfirmed at the deadline');
      }
    }
    if (this.writable !== undefined && !(await beforeDeadline(this.writable, deadline))) {
      throw fail('timeout', 'the connection stayed congested until the deadline');
    }
    if (this.closed) throw fail('connection-lost', 'the channel is closed');

    let settle = (): void => undefined;
    const entry: PendingPublish = {
      returned: undefined,
      settled: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    this.pending.set(id, entry);
    const done = (): void => {
      if (this.pending.get(id) === entry) this.pending.delete(id);
      settle();
    };

    const budget = Math.max(0, deadline - Date.now());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(fail('timeout', `no broker confirm within ${budget} ms`)), budget);
      let flushed: boolean;
      try {
        flushed = this.channel.publish(
          message.exchange,
          message.routingKey,
          message.body,
          { ...message.properties, mandatory: true },
          (error: unknown) => {
            clearTimeout(timer);
            done();
            if (error !== null && error !== undefined) {
              const detail = error instanceof Error ? error.message : String(error);
              reject(fail(detail === 'message nacked' ? 'nacked' : 'connection-lost', detail));
            } else if (entry.returned !== undefined) {
              reject(fail('unroutable', `no queue is bound for ${message.routingKey} on "${message.exchange}"`));
            } else {
              resolve();
            }
          },
        );
      } catch (error) {
        clearTimeout(timer);
        done();
        reject(fail('connection-lost', error instanceof Error ? error.message : String(error)));
        return;
      }
      if (!flushed) this.waitUntilWritable();
    });
  }

  /** The socket buffer is full: later publishes wait for `drain` (or the channel closing). */
  private waitUntilWritable(): void {
    this.writable ??= new Promise<void>((resolve) => {
      const release = (): void => {
        this.channel.off('drain', release);
        this.channel.off('close', release);
        this.writable = undefined;
        resolve();
      };
      this.channel.on('drain', release);
      this.channel.on('close', release);
    });
  }
}

async function beforeDeadline(promise: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
