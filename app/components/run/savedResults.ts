'use client';
/**
 * Each finished run's results (metrics, curves, confusion matrix, mistakes, trials) kept in IndexedDB next to the
 * run history (localStorage, app/components/run/history.ts), so they survive a reload and reopen from the history.
 * Only results: no model weights (the trained model lives in the engine worker until the page closes).
 */
import type { RunSession } from '@/app/state/runStore';

const DB_NAME = 'graft-run-results';
const STORE = 'results';
/** Older results beyond this many are dropped (the history itself keeps 30 rows per graph). */
const MAX_RECORDS = 120;

export interface SavedRunResults {
  runId: string;
  historyKey: string;
  savedAt: number;
  session: RunSession;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'runId' });
      store.createIndex('byKey', 'historyKey');
      store.createIndex('bySavedAt', 'savedAt');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  if (typeof indexedDB === 'undefined') return undefined;
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Keep what the results view needs; live-only fields (progress, batch) are dropped. */
function storable(session: RunSession): RunSession {
  return { ...session, progress: null, batch: null, restored: true };
}

export async function saveRunResults(historyKey: string, session: RunSession): Promise<void> {
  try {
    await withStore('readwrite', (s) => s.put({ runId: session.runId, historyKey, savedAt: Date.now(), session: storable(session) } satisfies SavedRunResults));
    await prune();
  } catch (err) {
    console.warn('[graft] could not keep the run results:', err);
  }
}

export async function loadRunResults(runId: string): Promise<SavedRunResults | null> {
  try {
    return ((await withStore<SavedRunResults>('readonly', (s) => s.get(runId))) as SavedRunResults | undefined) ?? null;
  } catch {
    return null;
  }
}

async function prune(): Promise<void> {
  const keys = (await withStore<IDBValidKey[]>('readonly', (s) => s.index('bySavedAt').getAllKeys())) ?? [];
  if (keys.length <= MAX_RECORDS) return;
  const stale = keys.slice(0, keys.length - MAX_RECORDS);
  await withStore('readwrite', (s) => {
    for (const k of stale) s.delete(k);
  });
}
