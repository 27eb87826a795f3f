import type { Database, Queryable } from './db';
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
    // Evict before adding a key: evicting after would drop the new (full) bucket itself and never limit that key.
    if (this.buckets.size >= 50_000 && !this.buckets.has(key)) this.evictFull();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: t };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((t - bucket.updatedMs) / 1000) * this.refillPerSecond);
    bucket.updatedMs = t;
    this.buckets.set(key, bucket);
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

/**
 * Buckets in the database (table rate_limit_buckets), so several server instances on one PostgreSQL enforce one
 * limit: one atomic upsert per take (the row lock serialises concurrent takes), timed by the database clock so
 * instances with skewed clocks agree.
 */
export class DbTokenBucketLimiter implements RateLimiter {
  private takes = 0;

  constructor(
    private readonly db: Queryable,
    /** Namespace of the bucket keys ("write", "read"). */
    private readonly name: string,
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {}

  async take(key: string, cost = 1): Promise<number> {
    if (this.capacity <= 0) return 0;
    const refilled = `LEAST($2::float8, b.tokens + (EXCLUDED.updated_ms - b.updated_ms) / 1000.0 * $3::float8)`;
    const { rows } = await this.db.query<{ allowed: boolean; tokens: number }>(
      `INSERT INTO rate_limit_buckets AS b (bucket, tokens, updated_ms, allowed)
       SELECT $1, CASE WHEN $2::float8 >= $4::float8 THEN $2::float8 - $4::float8 ELSE $2::float8 END, now.ms, $2::float8 >= $4::float8
       FROM (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms) now
       ON CONFLICT (bucket) DO UPDATE SET
         tokens = CASE WHEN ${refilled} >= $4::float8 THEN ${refilled} - $4::float8 ELSE ${refilled} END,
         allowed = ${refilled} >= $4::float8,
         updated_ms = EXCLUDED.updated_ms
       RETURNING allowed, tokens`,
      [`${this.name}:${key}`, this.capacity, this.refillPerSecond, cost],
    );
    if (++this.takes % 1000 === 0) void this.sweep();
    const row = rows[0]!;
    return row.allowed ? 0 : waitSeconds(cost - Number(row.tokens), this.refillPerSecond);
  }

  /** Full buckets carry no state: drop them now and then so the table stays small. */
  private async sweep(): Promise<void> {
    if (this.refillPerSecond <= 0) return;
    const fullAfterMs = (this.capacity / this.refillPerSecond) * 1000;
    await this.db
      .query(`DELETE FROM rate_limit_buckets WHERE bucket LIKE $1 AND updated_ms < extract(epoch FROM clock_timestamp()) * 1000 - $2::float8`, [
        `${this.name}:%`,
        fullAfterMs,
      ])
      .catch(() => undefined);
  }
}

/**
 * The limiter for a database: shared through the database for PostgreSQL (several instances), in process memory
 * for PGlite (one server per DATA_DIR, enforced by its lock — and no per-request write on the single connection).
 */
export function limiterFor(db: () => Promise<Database> | Database, name: string, capacity: number, refillPerSecond: number): RateLimiter {
  let chosen: Promise<RateLimiter> | undefined;
  return {
    async take(key, cost) {
      if (capacity <= 0) return 0;
      chosen ??= Promise.resolve(db()).then((d) =>
        d.engine === 'postgres' ? new DbTokenBucketLimiter(d, name, capacity, refillPerSecond) : new TokenBucketLimiter(capacity, refillPerSecond),
      );
      // A database that failed to open is retried on the next request.
      const limiter = await chosen.catch((err: unknown) => {
        chosen = undefined;
        throw err;
      });
      return limiter.take(key, cost);
    },
  };
}
