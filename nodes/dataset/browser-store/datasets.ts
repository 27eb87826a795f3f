/** Datasets and classes stored in this browser: create, list, summarise, rename, delete. */
import { compareText, uniqueClassName } from '../import';
import { type ImageRecord, LOCAL_PREFIX, type LocalClass, type LocalDatasetRecord, type LocalDatasetSummary, isLocalDatasetId, newId, notify, req, tx } from './db';

// --- datasets ---------------------------------------------------------------------------------------------------

export async function createLocalDataset(name: string): Promise<string> {
  const now = Date.now();
  const record: LocalDatasetRecord = {
    id: `${LOCAL_PREFIX}${newId()}`,
    name: name.trim().slice(0, 120) || 'My images',
    classes: [],
    skipped: [],
    createdAt: now,
    updatedAt: now,
  };
  await tx(['datasets'], 'readwrite', (t) => {
    t.objectStore('datasets').add(record);
  });
  // Ask the browser not to evict uploaded images under storage pressure (best effort, may be refused).
  void globalThis.navigator?.storage?.persist?.().catch(() => false);
  notify(record.id);
  return record.id;
}

export async function getLocalDataset(id: string): Promise<LocalDatasetRecord | null> {
  if (!isLocalDatasetId(id)) return null;
  return tx(['datasets'], 'readonly', async (t) => (await req(t.objectStore('datasets').get(id))) ?? null);
}

/** False when the graph refers to a local dataset that was deleted (or lives in another browser). */
export async function localDatasetExists(id: string): Promise<boolean> {
  try {
    return (await getLocalDataset(id)) !== null;
  } catch {
    return false;
  }
}

export async function listLocalDatasets(): Promise<LocalDatasetSummary[]> {
  const [records, images] = await tx(['datasets', 'images'], 'readonly', async (t) =>
    Promise.all([
      req(t.objectStore('datasets').getAll() as IDBRequest<LocalDatasetRecord[]>),
      req(t.objectStore('images').getAll() as IDBRequest<ImageRecord[]>),
    ]),
  );
  return records
    .map((r) => summarise(r, images.filter((i) => i.datasetId === r.id)))
    .sort((a, b) => b.updatedAt - a.updatedAt);
}

export async function getLocalDatasetSummary(id: string): Promise<LocalDatasetSummary | null> {
  if (!isLocalDatasetId(id)) return null;
  const result = await tx(['datasets', 'images'], 'readonly', async (t) => {
    const record = (await req(t.objectStore('datasets').get(id))) as LocalDatasetRecord | undefined;
    if (!record) return null;
    const images = (await req(t.objectStore('images').index('byDataset').getAll(id))) as ImageRecord[];
    return { record, images };
  });
  return result ? summarise(result.record, result.images) : null;
}

export function summarise(record: LocalDatasetRecord, images: ImageRecord[]): LocalDatasetSummary {
  const counts = new Map<string, number>();
  for (const image of images) counts.set(image.classId, (counts.get(image.classId) ?? 0) + 1);
  return {
    id: record.id,
    name: record.name,
    classes: record.classes.map((c) => ({ ...c, count: counts.get(c.id) ?? 0 })),
    skipped: record.skipped,
    totalImages: images.length,
    updatedAt: record.updatedAt,
  };
}

export async function updateRecord(id: string, change: (r: LocalDatasetRecord) => void): Promise<LocalDatasetRecord> {
  const record = await tx(['datasets'], 'readwrite', async (t) => {
    const store = t.objectStore('datasets');
    const r = (await req(store.get(id))) as LocalDatasetRecord | undefined;
    if (!r) throw new Error('This dataset no longer exists in this browser.');
    change(r);
    r.updatedAt = Date.now();
    store.put(r);
    return r;
  });
  notify(id);
  return record;
}

export async function renameLocalDataset(id: string, name: string): Promise<void> {
  await updateRecord(id, (r) => {
    r.name = name.trim().slice(0, 120) || r.name;
  });
}

export async function deleteLocalDataset(id: string): Promise<void> {
  await tx(['datasets', 'images', 'blobs', 'thumbs'], 'readwrite', async (t) => {
    const keys = (await req(t.objectStore('images').index('byDataset').getAllKeys(id))) as string[];
    for (const key of keys) {
      t.objectStore('images').delete(key);
      t.objectStore('blobs').delete(key);
      t.objectStore('thumbs').delete(key);
    }
    t.objectStore('datasets').delete(id);
  });
  notify(id);
}

export async function clearSkipped(id: string): Promise<void> {
  await updateRecord(id, (r) => {
    r.skipped = [];
  });
}

// --- classes ----------------------------------------------------------------------------------------------------

export async function addLocalClass(datasetId: string, name: string): Promise<LocalClass> {
  let created: LocalClass | null = null;
  await updateRecord(datasetId, (r) => {
    created = { id: newId(), name: uniqueClassName(name, r.classes.map((c) => c.name)) };
    r.classes.push(created);
  });
  return created as unknown as LocalClass;
}

/** Rename; throws a user-facing message when the name is empty or already used by another class. */
export async function renameLocalClass(datasetId: string, classId: string, name: string): Promise<void> {
  const trimmed = name.trim().replace(/[\\/]+/g, '-');
  if (!trimmed) throw new Error('A class needs a name.');
  await updateRecord(datasetId, (r) => {
    if (r.classes.some((c) => c.id !== classId && c.name.toLowerCase() === trimmed.toLowerCase())) {
      throw new Error(`There is already a class named "${trimmed}".`);
    }
    const target = r.classes.find((c) => c.id === classId);
    if (target) target.name = trimmed.slice(0, 80);
  });
}

export async function deleteLocalClass(datasetId: string, classId: string): Promise<void> {
  await tx(['datasets', 'images', 'blobs', 'thumbs'], 'readwrite', async (t) => {
    const keys = (await req(t.objectStore('images').index('byClass').getAllKeys([datasetId, classId]))) as string[];
    for (const key of keys) {
      t.objectStore('images').delete(key);
      t.objectStore('blobs').delete(key);
      t.objectStore('thumbs').delete(key);
    }
    const store = t.objectStore('datasets');
    const r = (await req(store.get(datasetId))) as LocalDatasetRecord | undefined;
    if (r) {
      r.classes = r.classes.filter((c) => c.id !== classId);
      r.updatedAt = Date.now();
      store.put(r);
    }
  });
  notify(datasetId);
}

/** The first `limit` images of a class (stable order), for thumbnails. */
export async function listClassImages(
  datasetId: string,
  classId: string,
  limit = 12,
): Promise<Array<{ id: string; name: string; width: number; height: number }>> {
  const images = (await tx(['images'], 'readonly', (t) =>
    req(t.objectStore('images').index('byClass').getAll([datasetId, classId])),
  )) as ImageRecord[];
  return images
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id))
    .slice(0, limit)
    .map(({ id, name, width, height }) => ({ id, name, width, height }));
}

export async function deleteLocalImage(datasetId: string, imageId: string): Promise<void> {
  await tx(['images', 'blobs', 'thumbs'], 'readwrite', (t) => {
    t.objectStore('images').delete(imageId);
    t.objectStore('blobs').delete(imageId);
    t.objectStore('thumbs').delete(imageId);
  });
  notify(datasetId);
}
