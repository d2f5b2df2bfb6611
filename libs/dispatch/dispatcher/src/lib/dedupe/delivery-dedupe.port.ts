/**
 * The outcome of claiming a push:
 * - `claimed`: nobody sent it yet; the caller sends, then commits or releases.
 * - `sent`: it was sent before (a redelivery, a duplicate change): send nothing.
 * - `in-flight`: another delivery holds the claim right now, or held it when its process died (the claim then
 *   lapses after its ttl): send nothing now, try again later.
 */
export type DedupeClaim = 'claimed' | 'sent' | 'in-flight';

/**
 * Remembers which change was pushed to which device, so that a change is pushed at most once per device
 * across redeliveries, duplicate source events and several dispatcher instances. A claim is held while the
 * push is sent, committed once it was, released when it failed and may be tried again.
 */
export abstract class DeliveryDedupe {
  /** Takes the claim on `key` for `ttlMs` unless it is held or was committed. */
  abstract claim(key: string, ttlMs: number): Promise<DedupeClaim>;
  /** Marks `key` sent for `ttlSeconds`: claims on it answer `sent` until then. */
  abstract commit(key: string, ttlSeconds: number): Promise<void>;
  /** Gives a claim up (the push failed) so a later delivery may try again; a committed key stays. */
  abstract release(key: string): Promise<void>;
}

/** `<prefix>:dedupe:<changeId>:<registrationId>` */
export function dedupeKey(prefix: string, changeId: string, registrationId: string): string {
  return `${prefix}:dedupe:${changeId}:${registrationId}`;
}
