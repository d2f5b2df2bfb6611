import type { Clock } from '@mailpush/leases';

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/** A map whose entries expire after `ttlMs` and that forgets its least recently used entry when full. */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly clock: Clock,
    private readonly options: { readonly maxEntries: number; readonly ttlMs: number },
  ) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new Error(`maxEntries must be a positive whole number (got ${options.maxEntries})`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.clock.now()) return undefined;
    // Re-inserted: the map's order is the order of use.
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Whether `key` still maps to this very value (a newer one, or none, may have replaced it). */
  holds(key: string, value: V): boolean {
    return this.entries.get(key)?.value === value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
