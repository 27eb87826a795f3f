/**
 * A map bounded by entry count and approximate bytes, evicting the least recently used entry (Map order is recency
 * order). Shared by the version cache and the head cache.
 */
export class LruCache<V> {
  private entries = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;

  /** `maxItemBytes`: larger values are not kept (one huge value must not evict everything). */
  constructor(private readonly limits: { maxEntries: number; maxBytes: number; maxItemBytes: number }) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key); // re-insert: most recently used last
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, bytes: number): void {
    if (bytes > this.limits.maxItemBytes) return;
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.bytes;
  }
}
