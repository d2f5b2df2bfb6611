import { backoffDelay, type BackoffSettings } from '@mailpush/messaging';

export type { BackoffSettings };

/**
 * The wait before try `attempt + 1` after `attempt` failed tries: the bus's exponential backoff with "equal
 * jitter", so that the devices of a provider outage do not all come back in the same instant.
 */
export const retryDelay = backoffDelay;

/**
 * The wait before the next in-process try, or `undefined` when the provider asked for a longer pause than
 * we wait inline (its `Retry-After` beyond `maxInlineMs`): the message then goes back to the bus.
 */
export function inlineRetryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  settings: BackoffSettings & { readonly maxInlineMs: number },
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > settings.maxInlineMs) return undefined;
  return Math.max(retryDelay(attempt, settings, random), retryAfterMs ?? 0);
}
