import { inlineRetryDelay, retryDelay } from './backoff';

const settings = { initialDelayMs: 100, maxDelayMs: 1_000 };

describe(retryDelay.name, () => {
  it('doubles per attempt, between half and all of the ceiling (equal jitter)', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, settings, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, settings, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the maximum', () => {
    expect(retryDelay(20, settings, () => 1)).toBe(1_000);
    expect(retryDelay(20, settings, () => 0)).toBe(500);
  });

  it('stays within [ceiling/2, ceiling] for any random draw', () => {
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(3, settings);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});

describe(inlineRetryDelay.name, () => {
  const inline = { ...settings, maxInlineMs: 2_000 };

  it('waits the backoff when the provider gave no Retry-After', () => {
    expect(inlineRetryDelay(2, undefined, inline, () => 1)).toBe(200);
  });

  it('honours a Retry-After longer than the backoff', () => {
    expect(inlineRetryDelay(1, 1_500, inline, () => 1)).toBe(1_500);
  });

  it('keeps the backoff when the Retry-After is shorter', () => {
    expect(inlineRetryDelay(3, 10, inline, () => 1)).toBe(400);
  });

  it('gives up inline retrying when the Retry-After is longer than it waits in-process', () => {
    expect(inlineRetryDelay(1, 2_001, inline)).toBeUndefined();
  });
});
