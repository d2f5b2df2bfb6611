import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const settings = { initialDelayMs: 200, maxDelayMs: 15_000 };

  it('doubles from the initial delay up to the maximum', () => {
    const ceilings = [1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, settings, () => 1));

    expect(ceilings).toEqual([200, 400, 800, 1600, 15_000]);
  });

  it('waits at least half of the ceiling, so jitter never makes it a tight loop', () => {
    expect(backoffDelay(3, settings, () => 0)).toBe(400);
    expect(backoffDelay(3, settings, () => 0.5)).toBe(600);
  });
});
