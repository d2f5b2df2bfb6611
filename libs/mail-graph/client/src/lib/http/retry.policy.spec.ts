import { GraphRequestError, type GraphErrorKind } from '../graph-mail-api.port';
import { finalError, retryDecision, type RetrySettings } from './retry.policy';

const settings: RetrySettings = {
  maxAttempts: 3,
  maxRetryAfterMs: 30_000,
  backoff: { initialDelayMs: 500, maxDelayMs: 8000 },
};
const error = (kind: GraphErrorKind, retryAfterMs?: number): GraphRequestError =>
  new GraphRequestError(kind, `${kind} failure`, undefined, undefined, retryAfterMs);

describe(retryDecision.name, () => {
  it('waits exactly Retry-After for throttling', () => {
    expect(retryDecision(error('throttled', 7000), 1, settings)).toEqual({ retry: true, delayMs: 7000 });
    expect(retryDecision(error('throttled', 30_000), 2, settings)).toEqual({ retry: true, delayMs: 30_000 });
  });

  it('does not wait inline for a Retry-After beyond the limit', () => {
    expect(retryDecision(error('throttled', 30_001), 1, settings)).toEqual({ retry: false });
  });

  it('backs off with jitter for throttling without Retry-After and for unavailability', () => {
    expect(retryDecision(error('throttled'), 1, settings, () => 0)).toEqual({ retry: true, delayMs: 250 });
    expect(retryDecision(error('unavailable'), 1, settings, () => 1)).toEqual({ retry: true, delayMs: 500 });
    expect(retryDecision(error('unavailable'), 2, settings, () => 1)).toEqual({ retry: true, delayMs: 1000 });
  });

  it('stops at the last attempt', () => {
    expect(retryDecision(error('throttled', 1000), 3, settings)).toEqual({ retry: false });
    expect(retryDecision(error('unavailable'), 3, settings)).toEqual({ retry: false });
  });

  it.each(['not-found', 'gone', 'auth', 'invalid'] as const)('never retries %s', (kind) => {
    expect(retryDecision(error(kind), 1, settings)).toEqual({ retry: false });
  });
});

describe(finalError.name, () => {
  it('says how many attempts were made, keeping kind, status, code and Retry-After', () => {
    const last = new GraphRequestError('throttled', 'Graph GET /v1.0/x answered 429', 429, 'TooManyRequests', 1000);

    expect(finalError(last, 1)).toBe(last);
    expect(finalError(last, 3)).toMatchObject({
      kind: 'throttled',
      status: 429,
      code: 'TooManyRequests',
      retryAfterMs: 1000,
      message: 'Graph GET /v1.0/x answered 429 (after 3 attempts)',
    });
  });
});
