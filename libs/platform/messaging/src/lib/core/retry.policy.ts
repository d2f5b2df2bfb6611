/**
 * The retry schedule of failed handlers: after the n-th failure the message waits `delaysMs[n - 1]` and is
 * tried again; after the last delay it is dead-lettered. `[1000, 5000, 30000]` means four tries in all.
 */
export class RetryPolicy {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[]) {
    for (const delay of delaysMs) {
      if (!Number.isInteger(delay) || delay < 0) {
        throw new Error(`retry delays must be whole, non-negative milliseconds (got ${delay})`);
      }
    }
    this.delaysMs = [...delaysMs];
  }

  /** Tries in all, the first one included. */
  get maxAttempts(): number {
    return this.delaysMs.length + 1;
  }

  /** The delay before the next try after `failures` failed tries, or `undefined` when none is left. */
  delayAfter(failures: number): number | undefined {
    return failures >= 1 ? this.delaysMs[failures - 1] : undefined;
  }
}
