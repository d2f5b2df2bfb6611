/** A pending callback of a `Clock`; cancelling one that has already run does nothing. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * Time, behind a port so that lease expiry and renewal can be driven by a hand-written fake in unit tests.
 * `monotonic()` measures how long a lease has been proven (it never jumps with wall-clock adjustments);
 * `now()` is wall time, used only where a value must outlive the process (the floor of lease epochs).
 */
export abstract class Clock {
  /** Wall-clock time in milliseconds since the Unix epoch. */
  abstract now(): number;
  /** Milliseconds on a clock that only moves forward; only differences between readings mean anything. */
  abstract monotonic(): number;
  /** Runs `callback` once, `delayMs` from now. Never keeps the process alive on its own. */
  abstract setTimer(delayMs: number, callback: () => void): ClockTimer;
}
