import { Clock, type ClockTimer } from './clock.port';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to, for unit tests of code that waits: `advance(ms)` runs every timer
 * that falls due, in order, letting promises settle between them, as if that much time had passed.
 */
export class ManualClock extends Clock {
  private wall: number;
  private elapsed = 0;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    super();
    this.wall = start.getTime();
  }

  now(): number {
    return this.wall + this.elapsed;
  }

  monotonic(): number {
    return this.elapsed;
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    const entry: Pending = { at: this.elapsed + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.pending.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, running the timers that fall due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.elapsed + ms;
    await settle();
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      const next = this.pending
        .filter((p) => p.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)
        .at(0);
      if (next === undefined) break;
      this.elapsed = Math.max(this.elapsed, next.at);
      next.cancelled = true;
      next.callback();
      await settle();
    }
    this.elapsed = until;
    await settle();
  }
}

/** Lets every promise chain that is ready to continue do so (a macrotask turn drains the microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
