/**
 * What a simulator received, in arrival order, with a way for a test to wait until the client under test
 * has sent enough (no sleeps, no wall-clock assertions).
 */
export class RecordLog<T> {
  private records: T[] = [];
  private waiters: { count: number; resolve: (records: readonly T[]) => void }[] = [];

  add(record: T): void {
    this.records.push(record);
    const ready = this.waiters.filter((waiter) => this.records.length >= waiter.count);
    this.waiters = this.waiters.filter((waiter) => this.records.length < waiter.count);
    for (const waiter of ready) waiter.resolve(this.snapshot());
  }

  all(): readonly T[] {
    return this.snapshot();
  }

  clear(): void {
    this.records = [];
  }

  /** Resolves once at least `count` records exist (counting from the last `clear`), or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number, what: string): Promise<readonly T[]> {
    if (this.records.length >= count) return Promise.resolve(this.snapshot());
    return new Promise((resolve, reject) => {
      const waiter = {
        count,
        resolve: (records: readonly T[]) => {
          clearTimeout(timer);
          resolve(records);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`expected ${count} ${what}, received ${this.records.length} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private snapshot(): readonly T[] {
    return Object.freeze([...this.records]);
  }
}
