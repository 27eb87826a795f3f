/**
 * A bounded in-memory cache of stored graph versions. A version never changes once written (every save is a new
 * row), so a cached copy is never stale; the bound (entries and approximate bytes) keeps memory flat. One cache per
 * Database object, so test servers on different databases never share entries.
 */
import type { Database } from '../db';
import type { GraftGraph } from '@/nodes/core/graph';

export interface StoredVersion {
  id: string;
  version: number;
  name: string;
  createdAt: string;
  graph: GraftGraph;
}

const MAX_ENTRIES = 2000;
const MAX_BYTES = 64 * 1024 * 1024;

class LruCache {
  private entries = new Map<string, { value: StoredVersion; bytes: number }>();
  private bytes = 0;

  get(key: string): StoredVersion | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key); // re-insert: Map order is recency order
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: StoredVersion, bytes: number): void {
    if (bytes > MAX_BYTES / 8) return; // one huge graph must not evict everything
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.entries.size > MAX_ENTRIES || this.bytes > MAX_BYTES) {
      const [oldest, entry] = this.entries.entries().next().value as [string, { bytes: number }];
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }
}

const caches = new WeakMap<Database, LruCache>();

export function versionCache(db: Database): LruCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new LruCache()));
  return cache;
}
