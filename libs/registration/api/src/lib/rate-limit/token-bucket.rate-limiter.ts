export type RateLimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept at most; beyond it, full (idle) buckets are dropped first, then the oldest. */
const DEFAULT_MAX_KEYS = 100_000;

/**
 * Token buckets in memory, one per key: each holds up to `perMinute` requests and refills continuously at
 * `perMinute` a minute, so a caller may burst its whole minute and then goes at the steady rate. Per process:
 * with several replicas a caller gets up to `perMinute` on each, which bounds abuse well enough for an API
 * whose writes are idempotent; a shared store would only be needed for an exact global budget.
 */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) {
      throw new RangeError(`perMinute must be positive (got ${perMinute})`);
    }
    this.refillPerMs = perMinute / 60_000;
  }

  /** Takes one request from the key's bucket, or says how long until one is available. */
  take(key: string): RateLimitDecision {
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: this.secondsUntilOne(bucket) };
  }

  /** Like `take`, without using a request: whether the key's budget is already spent. */
  peek(key: string): RateLimitDecision {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return { allowed: true };
    const tokens = this.tokensAt(bucket, this.now());
    return tokens >= 1
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: this.secondsUntilOne({ ...bucket, tokens }) };
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const existing = this.buckets.get(key);
    if (existing !== undefined) {
      existing.tokens = this.tokensAt(existing, now);
      existing.updatedAt = now;
      return existing;
    }
    this.makeRoom(now);
    const bucket = { tokens: this.perMinute, updatedAt: now };
    this.buckets.set(key, bucket);
    return bucket;
  }

  private tokensAt(bucket: Bucket, now: number): number {
    return Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.refillPerMs);
  }

  private secondsUntilOne(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }

  /** Bounds memory under a flood of distinct keys (e.g. spoofed addresses): a full bucket is no information. */
  private makeRoom(now: number): void {
    if (this.buckets.size < this.maxKeys) return;
    for (const [key, bucket] of this.buckets) {
      if (this.tokensAt(bucket, now) >= this.perMinute) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
