/** The write rate limit's token bucket, on a controlled clock. */
import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rateLimit';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('TokenBucketLimiter', () => {
  it('allows a burst of `capacity`, then answers the seconds until one token has refilled', async () => {
    const c = clock();
    const limiter = new TokenBucketLimiter(3, 0.5, c.now);
    expect([await limiter.take('a'), await limiter.take('a'), await limiter.take('a')]).toEqual([0, 0, 0]);
    expect(await limiter.take('a')).toBe(2); // 1 token at 0.5/s
    c.advance(1000); // half a token back
    expect(await limiter.take('a')).toBe(1);
    c.advance(1000); // a whole token now
    expect(await limiter.take('a')).toBe(0);
    expect(await limiter.take('a')).toBe(2);
  });

  it('keeps one bucket per key', async () => {
    const c = clock();
    const limiter = new TokenBucketLimiter(1, 1, c.now);
    expect(await limiter.take('a')).toBe(0);
    expect(await limiter.take('a')).toBe(1);
    expect(await limiter.take('b')).toBe(0);
  });

  it('refills at most up to capacity', async () => {
    const c = clock();
    const limiter = new TokenBucketLimiter(2, 10, c.now);
    await limiter.take('a');
    c.advance(3_600_000);
    expect([await limiter.take('a'), await limiter.take('a'), await limiter.take('a')]).toEqual([0, 0, 1]);
  });

  it('rounds partial waits up to whole seconds', async () => {
    const c = clock();
    const limiter = new TokenBucketLimiter(1, 0.3, c.now);
    await limiter.take('a');
    expect(await limiter.take('a')).toBe(Math.ceil(1 / 0.3)); // 4
    c.advance(2000); // 0.6 tokens
    expect(await limiter.take('a')).toBe(Math.ceil(0.4 / 0.3)); // 2
  });

  it('capacity 0 disables limiting; a bucket that never refills keeps refusing', async () => {
    const c = clock();
    const off = new TokenBucketLimiter(0, 0, c.now);
    for (let i = 0; i < 1000; i++) expect(await off.take('a')).toBe(0);
    const never = new TokenBucketLimiter(1, 0, c.now);
    expect(await never.take('a')).toBe(0);
    c.advance(10_000_000);
    expect(await never.take('a')).toBeGreaterThanOrEqual(60);
  });

  it('forgets refilled buckets when it tracks very many keys (memory stays bounded), keeping the others', async () => {
    const c = clock();
    const limiter = new TokenBucketLimiter(2, 2, c.now);
    await limiter.take('busy');
    await limiter.take('busy');
    for (let i = 0; i < 49_999; i++) await limiter.take(`k${i}`);
    const buckets = (limiter as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBe(50_000);
    // The key that arrives at the limit is limited like any other (it is not the one evicted).
    expect([await limiter.take('late'), await limiter.take('late'), await limiter.take('late')]).toEqual([0, 0, 1]);
    expect(buckets.size).toBe(50_001);
    // 0.5 s at 2 tokens/s: the k* buckets (1 token left) are exactly full again; 'busy' and 'late' (0 left) are not.
    c.advance(500);
    await limiter.take('new');
    expect([...buckets.keys()].sort()).toEqual(['busy', 'late', 'new']);
    // 'busy' kept its state: 1 token → one take, then a wait.
    expect([await limiter.take('busy'), await limiter.take('busy')]).toEqual([0, 1]);
  });
});
