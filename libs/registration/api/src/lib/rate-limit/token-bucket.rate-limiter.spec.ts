import { TokenBucketRateLimiter } from './token-bucket.rate-limiter';

describe(TokenBucketRateLimiter.name, () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst of the whole minute, then refuses with the wait until the next request', () => {
    const sut = new TokenBucketRateLimiter(3, clock);

    expect([sut.take('a'), sut.take('a'), sut.take('a')]).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
    ]);
    expect(sut.take('a')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('refills at the per-minute rate', () => {
    const sut = new TokenBucketRateLimiter(60, clock);
    for (let i = 0; i < 60; i += 1) sut.take('a');
    expect(sut.take('a').allowed).toBe(false);

    now += 1_000;

    expect(sut.take('a')).toEqual({ allowed: true });
    expect(sut.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps one budget per key', () => {
    const sut = new TokenBucketRateLimiter(1, clock);

    expect(sut.take('a').allowed).toBe(true);
    expect(sut.take('b').allowed).toBe(true);
    expect(sut.take('a').allowed).toBe(false);
  });

  it('peeks without spending', () => {
    const sut = new TokenBucketRateLimiter(1, clock);

    expect(sut.peek('a')).toEqual({ allowed: true });
    expect(sut.peek('a')).toEqual({ allowed: true });
    sut.take('a');
    expect(sut.peek('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('makes room by forgetting idle (full) buckets first, keeping the ones that limit someone', () => {
    const sut = new TokenBucketRateLimiter(1, clock, 2);
    sut.take('busy');
    sut.take('idle');
    now += 60_000;
    sut.take('busy');

    sut.take('new');

    expect(sut.peek('busy').allowed).toBe(false);
    expect(sut.peek('new').allowed).toBe(false);
  });

  it('forgets the oldest bucket when none is idle', () => {
    const sut = new TokenBucketRateLimiter(1, clock, 2);
    sut.take('oldest');
    sut.take('older');

    sut.take('new');

    expect(sut.peek('oldest').allowed).toBe(true);
    expect(sut.peek('older').allowed).toBe(false);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new TokenBucketRateLimiter(0)).toThrow('perMinute must be positive (got 0)');
  });
});
