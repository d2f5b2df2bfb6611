import { Logger } from '@nestjs/common';
import type { Clock } from '@mailpush/leases';
import { BatchingWriter } from '../delivery-log/batching.writer';
import type { RegistrationUpkeep } from './registration-upkeep.port';

/**
 * Records successful pushes on their registrations (`last_push_at`, `failure_count = 0`) in batches, once a
 * second, so that a burst of pushes costs one UPDATE instead of one per device.
 */
export class PushedMarks {
  private readonly writer: BatchingWriter<string>;

  constructor(upkeep: RegistrationUpkeep, clock: Clock) {
    this.writer = new BatchingWriter(
      'push marks',
      (ids) => upkeep.recordPushed(ids, new Date(clock.now())),
      clock,
      new Logger(PushedMarks.name),
      { flushIntervalMs: 1_000, maxBatch: 500, maxPending: 50_000 },
    );
  }

  pushed(registrationId: string): void {
    this.writer.add(registrationId);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
