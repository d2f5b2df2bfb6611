import type { Clock, ClockTimer } from '@mailpush/leases';

export interface CoalescerOptions {
  /**
   * After a key's flush starts, what arrives for the key within this window is gathered into one next batch,
   * flushed once the window has passed; 0: each item alone.
   */
  readonly windowMs: number;
  /** A batch this big is closed at once: it runs as soon as the running one finished, without the window. */
  readonly maxBatch: number;
}

/**
 * What the coalescer does with a closed batch; its result is every submitter's result. `earlier` are the
 * items already flushed for the key in the same burst (since the key was last idle, at most the latest
 * `MAX_EARLIER`; none with a window of 0), for a result that replaces theirs, such as a push sharing their
 * collapse id.
 */
export type FlushBatch<T> = (key: string, items: readonly T[], earlier: readonly T[]) => Promise<void>;

/** Most earlier items kept per key: a mailbox that never goes idle must not grow without bound. */
export const MAX_EARLIER = 1_000;

class Batch<T> {
  readonly items: T[] = [];
  readonly done: Promise<void>;
  settle: (error?: unknown) => void = () => undefined;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error as Error));
    });
  }
}

interface KeyState<T> {
  /** Gathering items, until the window since the last flush start has passed. */
  open: Batch<T> | undefined;
  /** Closed early (full), waiting for the running one. */
  readonly ready: Batch<T>[];
  running: boolean;
  /** `clock.monotonic()` when the key's last flush started. */
  lastStart: number;
  /** Items flushed since the key was last idle (the latest `MAX_EARLIER`). */
  earlier: T[];
  /** Wakes the key when its window passes: to flush the open batch, or to drop the idle key. */
  timer: ClockTimer | undefined;
}

/**
 * A leading-edge throttle per key (a mailbox): the first item of an idle key is flushed at once, alone; what
 * arrives while that flush runs or within the window after it started is gathered into one next batch, flushed
 * when the window has passed. So a lone change costs no wait, and a burst costs two flushes, the second of
 * which is told what the first covered. Batches of a key run one after the other, never two at once, so a
 * later badge count never overtakes an earlier one. `submit` resolves (or rejects) with its batch's flush, so
 * a message handler awaiting it is only acknowledged once the work it brought is done.
 *
 * A key is kept while it has work or its window is open, and dropped once idle past the window.
 */
export class Coalescer<T> {
  private readonly keys = new Map<string, KeyState<T>>();

  constructor(
    private readonly options: CoalescerOptions,
    private readonly clock: Clock,
    private readonly flush: FlushBatch<T>,
  ) {
    if (!Number.isInteger(options.windowMs) || options.windowMs < 0) {
      throw new Error(`windowMs must be a whole, non-negative number of milliseconds (got ${options.windowMs})`);
    }
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) {
      throw new Error(`maxBatch must be a positive whole number (got ${options.maxBatch})`);
    }
  }

  /** Keys with work pending or running, or whose window is still open. */
  get activeKeys(): number {
    return this.keys.size;
  }

  submit(key: string, item: T): Promise<void> {
    const state = this.keys.get(key);
    if (state === undefined || this.isIdle(state)) {
      // Leading edge: flushed at once, and a new burst begins.
      const batch = new Batch<T>();
      batch.items.push(item);
      const fresh: KeyState<T> = state ?? {
        open: undefined,
        ready: [],
        running: false,
        lastStart: 0,
        earlier: [],
        timer: undefined,
      };
      fresh.earlier = [];
      fresh.ready.push(batch);
      this.keys.set(key, fresh);
      this.pump(key, fresh);
      return batch.done;
    }
    const batch = state.open ?? (state.open = new Batch<T>());
    batch.items.push(item);
    if (this.options.windowMs === 0 || batch.items.length >= this.options.maxBatch) {
      state.open = undefined;
      state.ready.push(batch);
    }
    this.pump(key, state);
    return batch.done;
  }

  private isIdle(state: KeyState<T>): boolean {
    return !state.running && state.open === undefined && state.ready.length === 0 && this.windowPassed(state);
  }

  private windowPassed(state: KeyState<T>): boolean {
    return this.clock.monotonic() - state.lastStart >= this.options.windowMs;
  }

  /** Starts the key's next batch if it may run now; else waits for the window, or drops the idle key. */
  private pump(key: string, state: KeyState<T>): void {
    if (state.running) return;
    let batch = state.ready.shift();
    if (batch === undefined && state.open !== undefined && this.windowPassed(state)) {
      batch = state.open;
      state.open = undefined;
    }
    if (batch !== undefined || this.windowPassed(state)) {
      state.timer?.cancel();
      state.timer = undefined;
    }
    if (batch !== undefined) {
      this.start(key, state, batch);
      return;
    }
    if (this.windowPassed(state)) {
      if (this.keys.get(key) === state) this.keys.delete(key);
      return;
    }
    if (state.timer !== undefined) return;
    const wait = state.lastStart + this.options.windowMs - this.clock.monotonic();
    state.timer = this.clock.setTimer(wait, () => {
      state.timer = undefined;
      this.pump(key, state);
    });
  }

  private start(key: string, state: KeyState<T>, batch: Batch<T>): void {
    state.running = true;
    state.lastStart = this.clock.monotonic();
    const earlier = state.earlier;
    // With coalescing off every item is its own result: nothing of it is replaced.
    if (this.options.windowMs > 0) state.earlier = [...earlier, ...batch.items].slice(-MAX_EARLIER);
    void this.flushSafely(key, batch.items, earlier).then((error) => {
      batch.settle(error);
      state.running = false;
      this.pump(key, state);
    });
  }

  /** The flush's error, or `undefined`; never rejects (a throwing flush must not stall its key). */
  private async flushSafely(key: string, items: readonly T[], earlier: readonly T[]): Promise<unknown> {
    try {
      await this.flush(key, items, earlier);
      return undefined;
    } catch (error) {
      return error ?? new Error('flush failed');
    }
  }
}
