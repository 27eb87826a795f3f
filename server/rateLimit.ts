/** In-memory token bucket per client key (IP). Good enough for one process; resets on restart. */
export class TokenBucketLimiter {
  private buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns seconds to wait when none is left (0 when allowed). */
  take(key: string): number {
    if (this.capacity <= 0) return 0; // disabled
    const t = this.now();
    // Evict before adding a key: evicting after would drop the new (full) bucket itself and never limit that key.
    if (this.buckets.size >= 50_000 && !this.buckets.has(key)) this.evictFull();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: t };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((t - bucket.updatedMs) / 1000) * this.refillPerSecond);
    bucket.updatedMs = t;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    if (this.refillPerSecond <= 0) return Infinity;
    return Math.ceil((1 - bucket.tokens) / this.refillPerSecond);
  }

  /** Drop buckets that have refilled completely (they carry no state). */
  private evictFull(): void {
    const t = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.updatedMs) / 1000) * this.refillPerSecond >= this.capacity) this.buckets.delete(key);
    }
  }
}
