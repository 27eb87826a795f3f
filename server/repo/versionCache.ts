/**
 * A bounded in-memory cache of stored graph versions. A version never changes once written (every save is a new
 * row), so a cached copy is never stale; the bound (entries and approximate bytes) keeps memory flat. One cache per
 * Database object, so test servers on different databases never share entries.
 */
import type { Database } from '../db';
import type { GraftGraph } from '@/nodes/core/graph';
import { LruCache } from './lruCache';

export interface StoredVersion {
  id: string;
  version: number;
  name: string;
  createdAt: string;
  graph: GraftGraph;
}

const MAX_ENTRIES = 2000;
const MAX_BYTES = 64 * 1024 * 1024;

const caches = new WeakMap<Database, LruCache<StoredVersion>>();

export function versionCache(db: Database): LruCache<StoredVersion> {
  let cache = caches.get(db);
  // One huge graph must not evict everything: at most 1/8 of the bound per version.
  if (!cache) caches.set(db, (cache = new LruCache<StoredVersion>({ maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES, maxItemBytes: MAX_BYTES / 8 })));
  return cache;
}
