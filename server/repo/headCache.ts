/**
 * `graph.get`'s changing part (the graph's head row and its latest attached results) kept in memory, so reads of a
 * graph do not queue on PGlite's single connection behind an upload's transactions.
 *
 * Only for PGlite: there one server process owns the data folder (DATA_DIR/pglite.lock), every write goes through
 * this process, so invalidating on write keeps the cache coherent. With PostgreSQL several instances may write, so
 * `headCache` returns null there and every read goes to the database (only immutable versions are cached).
 *
 * Race-free filling: a reader notes the clock before querying and stores its result only if the graph was not
 * invalidated since (a write that committed while the reader was querying would otherwise be hidden by the reader's
 * older copy). Invalidations are remembered per id in a bounded map; ids evicted from it count as invalidated at
 * the newest evicted stamp, which is conservative (only skips a store).
 */
import type { Database } from '../db';
import { LruCache } from './lruCache';

const MAX_ENTRIES = 5000;
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_INVALIDATIONS_REMEMBERED = 10_000;

export class HeadCache<Head> {
  private entries = new LruCache<Head>({ maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES, maxItemBytes: MAX_BYTES / 16 });
  private clock = 0;
  private invalidatedAt = new Map<string, number>();
  private evictedInvalidationsUpTo = 0;

  get(id: string): Head | undefined {
    return this.entries.get(id);
  }

  /** A stamp to pass to `store` (taken before the reader queries). */
  stamp(): number {
    return ++this.clock;
  }

  /** Stores `head` unless `id` was invalidated after `stamp`. */
  store(id: string, stamp: number, head: Head, bytes: number): void {
    const invalidated = this.invalidatedAt.get(id) ?? this.evictedInvalidationsUpTo;
    if (invalidated >= stamp) return;
    this.entries.set(id, head, bytes);
  }

  /** Call after every write to the graph `id` (committed or not). */
  invalidate(id: string): void {
    this.entries.delete(id);
    this.invalidatedAt.delete(id);
    this.invalidatedAt.set(id, ++this.clock);
    if (this.invalidatedAt.size > MAX_INVALIDATIONS_REMEMBERED) {
      const [oldest, at] = this.invalidatedAt.entries().next().value as [string, number];
      this.invalidatedAt.delete(oldest);
      this.evictedInvalidationsUpTo = Math.max(this.evictedInvalidationsUpTo, at);
    }
  }
}

const caches = new WeakMap<Database, HeadCache<unknown>>();

/** The cache of this database, or null when it may be written by other processes (PostgreSQL). */
export function headCache<Head>(db: Database): HeadCache<Head> | null {
  if (db.engine !== 'pglite') return null;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new HeadCache<unknown>()));
  return cache as HeadCache<Head>;
}
