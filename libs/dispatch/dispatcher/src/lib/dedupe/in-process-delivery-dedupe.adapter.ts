import type { Clock } from '@mailpush/leases';
import { DeliveryDedupe, type DedupeClaim } from './delivery-dedupe.port';

interface Entry {
  readonly state: 'sending' | 'sent';
  readonly expiresAt: number;
}

/** Upper bound of remembered pushes; the oldest are forgotten first. */
const DEFAULT_MAX_ENTRIES = 500_000;

/**
 * De-duplication in this process's memory, for the standalone server (one process, no Redis). Same
 * semantics as the Redis adapter, bounded in size; forgotten on restart, where catch-up may then repeat a
 * push that was sent just before the restart.
 */
export class InProcessDeliveryDedupe extends DeliveryDedupe {
  /** In insertion order, which is close to expiry order: sweeping from the front is cheap. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {
    super();
  }

  get size(): number {
    return this.entries.size;
  }

  claim(key: string, ttlMs: number): Promise<DedupeClaim> {
    this.sweep();
    const entry = this.live(key);
    if (entry !== undefined) return Promise.resolve(entry.state === 'sent' ? 'sent' : 'in-flight');
    this.put(key, { state: 'sending', expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve('claimed');
  }

  commit(key: string, ttlSeconds: number): Promise<void> {
    this.put(key, { state: 'sent', expiresAt: this.clock.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    if (this.live(key)?.state === 'sending') this.entries.delete(key);
    return Promise.resolve();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expiresAt > this.clock.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  private put(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Drops expired entries from the front, a bounded number per call. */
  private sweep(): void {
    const now = this.clock.now();
    let budget = 100;
    for (const [key, entry] of this.entries) {
      if (budget-- === 0 || entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
