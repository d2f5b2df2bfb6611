import { Logger } from '@nestjs/common';
import type { Clock, ClockTimer } from '@mailpush/leases';
import type { DeliveryLogRepository } from '@mailpush/persistence';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Keeps `delivery_log` bounded: deletes rows older than the retention, at start and then hourly. Every
 * dispatcher instance runs it; the delete is idempotent, so they need not agree on who does.
 */
export class DeliveryLogRetention {
  private readonly logger = new Logger(DeliveryLogRetention.name);
  private timer: ClockTimer | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly repository: DeliveryLogRepository,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** Deletes what is past the retention; resolves with the number of rows deleted. */
  async runOnce(): Promise<number> {
    const cutoff = new Date(this.clock.now() - this.retentionDays * DAY_MS);
    const deleted = await this.repository.deleteOlderThan(cutoff);
    if (deleted > 0) this.logger.log(`deleted ${deleted} delivery log row(s) older than ${cutoff.toISOString()}`);
    return deleted;
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.logger.warn(`delivery log retention failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = this.clock.setTimer(HOUR_MS, () => this.tick());
      });
  }
}
