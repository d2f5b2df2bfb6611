export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait before try `attempt + 1` after `attempt` failed tries: exponential with "equal jitter", between
 * half and all of `min(max, initial * 2^(attempt-1))`, so that the devices of a provider outage do not all
 * come back in the same instant, and none retries in a tight loop.
 */
export function retryDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

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
