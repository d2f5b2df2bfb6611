import { RetryPolicy } from './retry.policy';

describe(RetryPolicy.name, () => {
  it('waits the n-th delay after the n-th failure, and nothing after the last', () => {
    const sut = new RetryPolicy([1000, 5000, 30000]);

    expect([1, 2, 3, 4].map((failures) => sut.delayAfter(failures))).toEqual([1000, 5000, 30000, undefined]);
    expect(sut.maxAttempts).toBe(4);
  });

  it('dead-letters after the first failure when there are no delays', () => {
    const sut = new RetryPolicy([]);

    expect(sut.delayAfter(1)).toBeUndefined();
    expect(sut.maxAttempts).toBe(1);
  });

  it.each([[[-1]], [[1.5]], [[Number.NaN]]])('refuses the delays %p', (delays) => {
    expect(() => new RetryPolicy(delays)).toThrow(/whole, non-negative milliseconds/);
  });
});
