/** IndexedDB plumbing of the browser dataset store: ids, record shapes, transactions, change notifications. */
import { type SkippedFile } from '../import';

export const LOCAL_PREFIX = 'local:';
export const DB_NAME = 'graft-datasets';
export const DB_VERSION = 1;
/** Longer side of stored thumbnails (shown at ~48 CSS px; 2× for high-DPI screens). */
export const THUMBNAIL_SIDE = 96;
/** Keep the skipped list bounded: a folder of 50 000 text files should not bloat the record. */
export const MAX_SKIPPED = 2000;

export interface LocalClass {
  id: string;
  name: string;
}

export interface LocalDatasetRecord {
  id: string;
  name: string;
  classes: LocalClass[];
  skipped: SkippedFile[];
  createdAt: number;
  updatedAt: number;
}

export interface ImageRecord {
  id: string;
  datasetId: string;
  classId: string;
  name: string;
  mimeType: string;
  width: number;
  height: number;
  size: number;
  addedAt: number;
}

export interface LocalDatasetSummary {
  id: string;
  name: string;
  classes: Array<LocalClass & { count: number }>;
  skipped: SkippedFile[];
  totalImages: number;
  updatedAt: number;
}

export function isLocalDatasetId(id: string): boolean {
  return id.startsWith(LOCAL_PREFIX);
}

export function indexedDbAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

// --- IndexedDB plumbing ---------------------------------------------------------------------------------------

export let dbPromise: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  if (!indexedDbAvailable()) {
    return Promise.reject(new Error('This browser does not allow storing datasets (IndexedDB is unavailable, e.g. in a private window).'));
  }
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('datasets')) db.createObjectStore('datasets', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('images')) {
        const images = db.createObjectStore('images', { keyPath: 'id' });
        images.createIndex('byDataset', 'datasetId');
        images.createIndex('byClass', ['datasetId', 'classId']);
      }
      if (!db.objectStoreNames.contains('blobs')) db.createObjectStore('blobs', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('thumbs')) db.createObjectStore('thumbs', { keyPath: 'id' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the schema: let it, and reopen lazily next time.
      db.onversionchange = () => {
        db.close();
        dbPromise = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      dbPromise = null;
      reject(request.error ?? new Error('Could not open the dataset store'));
    };
    request.onblocked = () => reject(new Error('The dataset store is busy in another tab; close it and retry.'));
  });
  return dbPromise;
}

export type StoreName = 'datasets' | 'images' | 'blobs' | 'thumbs';

/** Run `body` in one transaction and resolve with its result once the transaction commits. */
export async function tx<T>(stores: StoreName[], mode: IDBTransactionMode, body: (t: IDBTransaction) => T | Promise<T>): Promise<T> {
  const db = await openDb();
  const t = db.transaction(stores, mode);
  const done = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
    t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
  });
  let result: T;
  try {
    result = await body(t);
  } catch (e) {
    try {
      t.abort();
    } catch {
      // already finished
    }
    done.catch(() => undefined);
    throw e;
  }
  await done;
  return result;
}

export function req<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// --- change notifications (same tab + other tabs) -------------------------------------------------------------

export type Listener = (datasetId: string) => void;
export const listeners = new Set<Listener>();
export let channel: BroadcastChannel | null = null;

export function getChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel('graft-datasets');
  channel.onmessage = (e: MessageEvent<{ datasetId: string }>) => listeners.forEach((l) => l(e.data.datasetId));
  return channel;
}

export function notify(datasetId: string): void {
  listeners.forEach((l) => l(datasetId));
  getChannel()?.postMessage({ datasetId });
}

/** Called whenever a local dataset changes (here or in another tab). Returns an unsubscribe function. */
export function subscribeLocalDatasets(listener: Listener): () => void {
  getChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
