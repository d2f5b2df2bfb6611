/** A lease that was just taken: its fencing epoch. */
export interface AcquiredLease {
  readonly epoch: number;
}

/** Who holds a lease now, and under which epoch. */
export interface HeldLease {
  readonly holder: string;
  readonly epoch: number;
}

/** One key as seen by `list`. */
export interface LeaseState {
  readonly key: string;
  /** The current holder; `undefined` when the lease is free (never taken, released or lapsed). */
  readonly holder: string | undefined;
  /** The epoch of the current lease, or when free the last epoch ever issued for the key (0 if none). */
  readonly epoch: number;
  /** Time the current lease has left; `undefined` when free. */
  readonly ttlMs: number | undefined;
}

/**
 * Time-limited, exclusive leases on keys, each with a fencing epoch, plus member heartbeats.
 *
 * Guarantees every adapter gives:
 * - at most one holder per key at any time, as judged by the store's own clock;
 * - a key's epoch only ever increases, and every successful `acquire` issues a new one, so a new holder, or
 *   the same holder after its lease lapsed, never shares an epoch with an earlier lease;
 * - `renew` and `release` succeed only for the current holder with the epoch it was given.
 *
 * Epochs are also at least the whole seconds since 2024-01-01 UTC at the time they are issued, so that
 * epochs stay ahead of those written to the database earlier even when the store lost its counters
 * (a Redis failover without the latest writes, or a restart of the standalone server): see ADR 0008.
 */
export abstract class LeaseStore {
  /** Takes the lease when it is free, for `ttlMs`. `undefined` when someone (anyone, this holder too) holds it. */
  abstract acquire(key: string, holder: string, ttlMs: number): Promise<AcquiredLease | undefined>;
  /** Extends the lease to `ttlMs` from now; `false` when `holder` no longer holds it under `epoch`. */
  abstract renew(key: string, holder: string, epoch: number, ttlMs: number): Promise<boolean>;
  /** Frees the lease at once; `false` when `holder` did not hold it under `epoch` (nothing changes then). */
  abstract release(key: string, holder: string, epoch: number): Promise<boolean>;
  /** The current holder, or `undefined` when the lease is free. */
  abstract holderOf(key: string): Promise<HeldLease | undefined>;
  /** The state of each key, in the order given. */
  abstract list(keys: readonly string[]): Promise<LeaseState[]>;
  /** Records that `memberId` is alive for the next `ttlMs`. */
  abstract heartbeat(memberId: string, ttlMs: number): Promise<void>;
  /** Removes `memberId` from the members at once (a graceful leave). */
  abstract leave(memberId: string): Promise<void>;
  /** Members whose last heartbeat has not expired, sorted. */
  abstract members(): Promise<string[]>;
  /** Resolves when the store answers; rejects with the reason otherwise. */
  abstract ping(): Promise<void>;
}
