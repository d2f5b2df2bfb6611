import { backoffDelay, type BackoffSettings } from '@mailpush/messaging';
import { GraphRequestError } from '../graph-mail-api.port';

export interface RetrySettings {
  /** Attempts of one request in all, first included (429, 5xx, network). */
  readonly maxAttempts: number;
  /** A longer `Retry-After` is not waited out inline: the caller gets `throttled` with it at once. */
  readonly maxRetryAfterMs: number;
  /** Delays between attempts when Graph names none (5xx, network errors, 429 without `Retry-After`). */
  readonly backoff: BackoffSettings;
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * Whether attempt `attempt` (1-based), which failed with `error`, is tried again and after how long: throttling
 * waits Graph's `Retry-After` (if no longer than `maxRetryAfterMs`), unavailability backs off exponentially with
 * jitter; anything else, and the last attempt, is final.
 */
export function retryDecision(
  error: GraphRequestError,
  attempt: number,
  settings: RetrySettings,
  random: () => number = Math.random,
): RetryDecision {
  if (attempt >= settings.maxAttempts) return { retry: false };
  switch (error.kind) {
    case 'throttled':
      if (error.retryAfterMs === undefined)
        return { retry: true, delayMs: backoffDelay(attempt, settings.backoff, random) };
      return error.retryAfterMs <= settings.maxRetryAfterMs
        ? { retry: true, delayMs: error.retryAfterMs }
        : { retry: false };
    case 'unavailable':
      return { retry: true, delayMs: backoffDelay(attempt, settings.backoff, random) };
    case 'not-found':
    case 'gone':
    case 'auth':
    case 'invalid':
      return { retry: false };
  }
}

/** The error a caller gets after `attempts` tries: the last one's, saying how many were made. */
export function finalError(error: GraphRequestError, attempts: number): GraphRequestError {
  if (attempts <= 1) return error;
  return new GraphRequestError(
    error.kind,
    `${error.message} (after ${attempts} attempts)`,
    error.status,
    error.code,
    error.retryAfterMs,
  );
}
