import { performance } from 'node:perf_hooks';
import { Clock, type ClockTimer } from './clock.port';

/**
 * The machine's clocks and Node's timers. `now()` is the wall time at process start advanced by the
 * monotonic clock, so that it runs at exactly the rate of `monotonic()` and a clock step during the life of
 * the process moves neither (an in-process lease never lapses early or late because NTP stepped).
 */
export class SystemClock extends Clock {
  now(): number {
    return performance.timeOrigin + performance.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  }
}
