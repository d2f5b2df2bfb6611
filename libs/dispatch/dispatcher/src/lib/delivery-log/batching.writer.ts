import type { Logger } from '@nestjs/common';
import type { Clock, ClockTimer } from '@mailpush/leases';

export interface BatchingWriterOptions {
  /** Longest an item waits before it is written. */
  readonly flushIntervalMs: number;
  /** Items written in one go; reaching it flushes at once. */
  readonly maxBatch: number;
  /** Items kept while the store is slow or down; beyond it the oldest are dropped (and counted in a warning). */
  readonly maxPending: number;
}

/**
 * Collects items and writes them in batches, off the hot path: every `flushIntervalMs`, or as soon as a batch
 * is full. One write at a time. For records whose loss is tolerable (logs, statistics): a failed write is
 * logged and dropped, never retried, and never fails the caller.
 */
export class BatchingWriter<T> {
  private pending: T[] = [];
  private timer: ClockTimer | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(
    private readonly what: string,
    private readonly write: (items: readonly T[]) => Promise<void>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: BatchingWriterOptions,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length > this.options.maxPending) {
      this.pending.shift();
      this.dropped += 1;
    }
    if (this.pending.length >= this.options.maxBatch) void this.flush();
    else this.timer ??= this.clock.setTimer(this.options.flushIntervalMs, () => void this.flush());
  }

  /** Writes everything added so far; resolves once it is written (or its write failed). */
  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    const next = this.writing.then(() => this.writeAll());
    this.writing = next;
    return next;
  }

  private async writeAll(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn(`${this.dropped} ${this.what} dropped: the store did not keep up`);
      this.dropped = 0;
    }
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      try {
        await this.write(batch);
      } catch (error) {
        this.logger.warn(
          `${batch.length} ${this.what} not written: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
