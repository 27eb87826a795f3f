/** The shared LRU keeps its bounds: by entries, by bytes (a re-stored key counts once), least recently used first. */
import { describe, expect, it } from 'vitest';
import { LruCache } from './lruCache';

describe('LruCache', () => {
  it('evicts the least recently used entry past the entry bound', () => {
    const cache = new LruCache<string>({ maxEntries: 2, maxBytes: 100, maxItemBytes: 100 });
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    expect(cache.get('a')).toBe('A'); // 'a' is now the most recent
    cache.set('c', 'C', 1);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('counts a re-stored key once, evicts by bytes and skips items over the per-item cap', () => {
    const cache = new LruCache<string>({ maxEntries: 10, maxBytes: 10, maxItemBytes: 6 });
    cache.set('a', 'A1', 6);
    cache.set('a', 'A2', 6); // replaces: 6 bytes in use, not 12
    expect(cache.get('a')).toBe('A2');
    cache.set('b', 'B', 4); // 10 bytes: still within the bound
    expect([cache.get('a'), cache.get('b')]).toEqual(['A2', 'B']);
    cache.set('c', 'C', 1); // 11 bytes: the least recently used ('a') goes
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'B', 'C']);
    cache.set('big', 'X', 7);
    expect(cache.get('big')).toBeUndefined();
    cache.delete('b');
    expect(cache.get('b')).toBeUndefined();
  });
});
