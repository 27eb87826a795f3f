/** The head cache never serves a head older than the last write (the invalidate-on-write race rules). */
import { describe, expect, it } from 'vitest';
import { HeadCache } from './headCache';

describe('HeadCache', () => {
  it('serves what was stored; a write drops it', () => {
    const cache = new HeadCache<string>();
    cache.store('g', cache.stamp(), 'v1', 10);
    expect(cache.get('g')).toBe('v1');
    cache.invalidate('g');
    expect(cache.get('g')).toBeUndefined();
  });

  it('a read that started before a write does not store its (possibly older) result', () => {
    const cache = new HeadCache<string>();
    const readerStamp = cache.stamp(); // reader starts querying …
    cache.invalidate('g'); // … a write commits meanwhile …
    cache.store('g', readerStamp, 'old', 10); // … the reader's result may predate it: not stored
    expect(cache.get('g')).toBeUndefined();
    cache.store('g', cache.stamp(), 'new', 10); // a read that started after the write is stored
    expect(cache.get('g')).toBe('new');
  });

  it('writes to other graphs do not stop a read from being cached', () => {
    const cache = new HeadCache<string>();
    const readerStamp = cache.stamp();
    cache.invalidate('other');
    cache.store('g', readerStamp, 'v1', 10);
    expect(cache.get('g')).toBe('v1');
  });

  it('stays coherent after the invalidation memory overflows (forgotten ids count as just written)', () => {
    const cache = new HeadCache<string>();
    const readerStamp = cache.stamp();
    cache.invalidate('g');
    for (let i = 0; i < 10_001; i++) cache.invalidate(`other-${i}`); // 'g' is evicted from the invalidation memory
    cache.store('g', readerStamp, 'old', 10);
    expect(cache.get('g')).toBeUndefined();
  });
});
