import { Logger } from '@nestjs/common';
import type { Clock } from '@mailpush/leases';
import type { DeliveryLogRepository, NewDeliveryLog } from '@mailpush/persistence';
import { BatchingWriter } from './batching.writer';

/** The statuses of `delivery_log` rows the dispatcher writes. */
export type DeliveryStatus = 'sent' | 'pruned' | 'failed' | 'rejected';

export interface DeliveryRecord extends NewDeliveryLog {
  readonly mailboxId: string;
  readonly status: DeliveryStatus;
}

/**
 * Writes `delivery_log` rows in the background (every 100 ms or 200 rows), so that a push never waits for
 * an insert. Flushed on shutdown, after the bus has let the last handlers finish.
 */
export class DeliveryLogWriter {
  private readonly writer: BatchingWriter<DeliveryRecord>;

  constructor(repository: Pick<DeliveryLogRepository, 'recordMany'>, clock: Clock) {
    this.writer = new BatchingWriter(
      'delivery log rows',
      (records) => repository.recordMany(records),
      clock,
      new Logger(DeliveryLogWriter.name),
      { flushIntervalMs: 100, maxBatch: 200, maxPending: 20_000 },
    );
  }

  record(record: DeliveryRecord): void {
    this.writer.add(record);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
