/**
 * Uploaded models in IndexedDB (works in the page and in the worker). Ids are "upload-<random>".
 */
import type { StoredModel } from './model-upload';

const DB_NAME = 'graft-models';
const STORE = 'models';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? req.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export async function saveUploadedModel(model: Omit<StoredModel, 'id' | 'createdAt'>): Promise<StoredModel> {
  const stored: StoredModel = {
    ...model,
    id: `upload-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    createdAt: Date.now(),
  };
  await withStore('readwrite', (s) => s.put(stored));
  return stored;
}

export async function getUploadedModel(id: string): Promise<StoredModel | null> {
  const found = await withStore<StoredModel | undefined>('readonly', (s) => s.get(id) as IDBRequest<StoredModel | undefined>);
  return found ?? null;
}

/** Summaries (no weights) for pickers. */
export async function listUploadedModels(): Promise<Array<Pick<StoredModel, 'id' | 'name' | 'createdAt' | 'sizeBytes' | 'meta'>>> {
  const all = await withStore<StoredModel[]>('readonly', (s) => s.getAll() as IDBRequest<StoredModel[]>);
  return all
    .map(({ id, name, createdAt, sizeBytes, meta }) => ({ id, name, createdAt, sizeBytes, meta }))
    .sort((a, b) => b.createdAt - a.createdAt);
}

export async function deleteUploadedModel(id: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(id));
}
