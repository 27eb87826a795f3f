/** Token buckets per client key (IP): `take` answers 0 when allowed, else the seconds to wait. */
export interface RateLimiter {
  /** Takes `cost` tokens; resolves to seconds to wait when they are not there (0 = allowed). */
  take(key: string, cost?: number): Promise<number>;
}

/** Seconds until `missing` tokens have refilled (at least 1; 60 when the bucket never refills). */
export function waitSeconds(missing: number, refillPerSecond: number): number {
  if (refillPerSecond <= 0) return 60;
  return Math.max(1, Math.ceil(missing / refillPerSecond));
}

/** In-process buckets: right for one process (PGlite — one server per DATA_DIR); PostgreSQL uses DbTokenBucketLimiter. */
export class TokenBucketLimiter implements RateLimiter {
  private buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, cost = 1): Promise<number> {
    return this.takeNow(key, cost);
  }

  takeNow(key: string, cost = 1): number {
    if (this.capacity <= 0) return 0; // disabled
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: t };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((t - bucket.updatedMs) / 1000) * this.refillPerSecond);
    bucket.updatedMs = t;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 50_000) this.evictFull();
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return waitSeconds(cost - bucket.tokens, this.refillPerSecond);
  }

  /** Drop buckets that have refilled completely (they carry no state). */
  private evictFull(): void {
    const t = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.updatedMs) / 1000) * this.refillPerSecond >= this.capacity) this.buckets.delete(key);
    }
  }
}
