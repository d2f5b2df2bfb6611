/**
 * Epochs are at least the whole seconds elapsed since this instant (2024-01-01T00:00:00Z), so that a store
 * that lost its counters still issues epochs above the ones it issued before (as long as a key did not
 * change holder faster than once a second for long, and the store's clock is roughly right). The values
 * fit a 32-bit signed database column until 2092.
 */
export const EPOCH_ORIGIN_SECONDS = 1_704_067_200;

/** The epoch issued after `last` at wall time `nowMs`. The Redis scripts compute the same. */
export function nextEpoch(last: number, nowMs: number): number {
  return Math.max(last + 1, Math.floor(nowMs / 1000) - EPOCH_ORIGIN_SECONDS);
}

/** Lease durations must be whole, positive milliseconds (Redis `PX`). */
export function assertTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0)
    throw new RangeError(`ttlMs must be a positive whole number, got ${ttlMs}`);
}
