import { Clock } from '../clock/clock.port';
import { assertTtl, nextEpoch } from './lease-epoch';
import { LeaseStore, type AcquiredLease, type HeldLease, type LeaseState } from './lease-store.port';

interface Entry {
  readonly holder: string;
  readonly epoch: number;
  expiresAt: number;
}

/**
 * Leases in this process's memory, for the standalone server (one process, so one member) and for tests.
 * Same semantics as the Redis adapter; time comes from the injected `Clock`.
 */
export class InProcessLeaseStore extends LeaseStore {
  private readonly leases = new Map<string, Entry>();
  private readonly epochs = new Map<string, number>();
  private readonly heartbeats = new Map<string, number>();

  constructor(private readonly clock: Clock) {
    super();
  }

  acquire(key: string, holder: string, ttlMs: number): Promise<AcquiredLease | undefined> {
    return answer(() => {
      assertTtl(ttlMs);
      if (this.live(key) !== undefined) return undefined;
      const now = this.clock.now();
      const epoch = nextEpoch(this.epochs.get(key) ?? 0, now);
      this.epochs.set(key, epoch);
      this.leases.set(key, { holder, epoch, expiresAt: now + ttlMs });
      return { epoch };
    });
  }

  renew(key: string, holder: string, epoch: number, ttlMs: number): Promise<boolean> {
    return answer(() => {
      assertTtl(ttlMs);
      const entry = this.live(key);
      if (entry?.holder !== holder || entry.epoch !== epoch) return false;
      entry.expiresAt = this.clock.now() + ttlMs;
      return true;
    });
  }

  release(key: string, holder: string, epoch: number): Promise<boolean> {
    return answer(() => {
      const entry = this.live(key);
      if (entry?.holder !== holder || entry.epoch !== epoch) return false;
      this.leases.delete(key);
      return true;
    });
  }

  holderOf(key: string): Promise<HeldLease | undefined> {
    return answer(() => {
      const entry = this.live(key);
      return entry === undefined ? undefined : { holder: entry.holder, epoch: entry.epoch };
    });
  }

  list(keys: readonly string[]): Promise<LeaseState[]> {
    return answer(() => {
      const now = this.clock.now();
      return keys.map((key): LeaseState => {
        const entry = this.live(key);
        return entry === undefined
          ? { key, holder: undefined, epoch: this.epochs.get(key) ?? 0, ttlMs: undefined }
          : { key, holder: entry.holder, epoch: entry.epoch, ttlMs: entry.expiresAt - now };
      });
    });
  }

  heartbeat(memberId: string, ttlMs: number): Promise<void> {
    return answer(() => {
      assertTtl(ttlMs);
      this.heartbeats.set(memberId, this.clock.now() + ttlMs);
    });
  }

  leave(memberId: string): Promise<void> {
    return answer(() => {
      this.heartbeats.delete(memberId);
    });
  }

  members(): Promise<string[]> {
    return answer(() => {
      const now = this.clock.now();
      for (const [member, expiresAt] of this.heartbeats) if (expiresAt <= now) this.heartbeats.delete(member);
      return [...this.heartbeats.keys()].sort();
    });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  private live(key: string): Entry | undefined {
    const entry = this.leases.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry;
    this.leases.delete(key);
    return undefined;
  }
}

/** Runs synchronously, answering as the Redis adapter does: through a promise, errors included. */
function answer<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
