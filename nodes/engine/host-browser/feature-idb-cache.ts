/**
 * The browser FeatureStore backing: trunk features in IndexedDB, so they outlive the worker and the page (a student
 * who changes only the learning rate and presses Run again skips extraction, even after a reload). Bounded by bytes
 * with least-recently-used eviction; a small 'meta' store (id, bytes, lastUsed) makes eviction cheap without
 * reading feature arrays. Entries are found by the SHA-256 of their key and checked against the full key.
 */
import type { CachedFeatures, FeatureBacking } from '../feature-store';
import { cachedFeaturesBytes } from '../feature-store';
import { hashBytes } from './content-hash';

const DB_NAME = 'graft-feature-cache';
const ENTRIES = 'entries';
const META = 'meta';
export const DEFAULT_IDB_FEATURE_BYTES = 512 * 1024 * 1024;

interface EntryRecord {
  id: string;
  key: string;
  value: CachedFeatures;
}
interface MetaRecord {
  id: string;
  bytes: number;
  lastUsed: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class IdbFeatureCache implements FeatureBacking {
  private db: Promise<IDBDatabase> | null = null;

  constructor(readonly maxBytes = DEFAULT_IDB_FEATURE_BYTES) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(ENTRIES, { keyPath: 'id' });
        req.result.createObjectStore(META, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }

  private idOf(key: string): Promise<string> {
    return hashBytes(new TextEncoder().encode(key).buffer as ArrayBuffer);
  }

  async read(key: string): Promise<CachedFeatures | undefined> {
    if (typeof indexedDB === 'undefined') return undefined;
    const db = await this.open();
    const id = await this.idOf(key);
    const tx = db.transaction([ENTRIES, META], 'readwrite');
    const record = (await request(tx.objectStore(ENTRIES).get(id))) as EntryRecord | undefined;
    if (record && record.key === key) {
      const meta = (await request(tx.objectStore(META).get(id))) as MetaRecord | undefined;
      if (meta) tx.objectStore(META).put({ ...meta, lastUsed: Date.now() } satisfies MetaRecord);
    }
    await done(tx);
    return record && record.key === key ? record.value : undefined;
  }

  async write(key: string, value: CachedFeatures): Promise<void> {
    if (typeof indexedDB === 'undefined') return;
    const bytes = cachedFeaturesBytes(value);
    if (bytes > this.maxBytes) return;
    const db = await this.open();
    const id = await this.idOf(key);
    // Evict least recently used entries first so the new one fits.
    const tx = db.transaction([ENTRIES, META], 'readwrite');
    const metas = ((await request(tx.objectStore(META).getAll())) as MetaRecord[]).filter((m) => m.id !== id);
    let total = metas.reduce((n, m) => n + m.bytes, 0);
    for (const m of metas.sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (total + bytes <= this.maxBytes) break;
      tx.objectStore(ENTRIES).delete(m.id);
      tx.objectStore(META).delete(m.id);
      total -= m.bytes;
    }
    tx.objectStore(ENTRIES).put({ id, key, value } satisfies EntryRecord);
    tx.objectStore(META).put({ id, bytes, lastUsed: Date.now() } satisfies MetaRecord);
    await done(tx);
  }

  async clear(): Promise<void> {
    if (typeof indexedDB === 'undefined') return;
    const db = await this.open();
    const tx = db.transaction([ENTRIES, META], 'readwrite');
    tx.objectStore(ENTRIES).clear();
    tx.objectStore(META).clear();
    await done(tx);
  }
}
