import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Whether a notification's `clientState` is the subscription's, compared in constant time: both are hashed
 * first, so neither the content nor the length of the stored secret shows in the timing.
 */
export function clientStateMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(expected), digest(given));
}
