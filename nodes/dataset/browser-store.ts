/**
 * Datasets stored in the browser (IndexedDB), referred to from graphs as `local:<uuid>`.
 * Works on the main thread (inspector) and inside the training Web Worker (`openLocalDatasetSource`).
 *
 * Layout (database `graft-datasets`):
 *   datasets: { id, name, classes: [{id, name}], skipped, createdAt, updatedAt }
 *   images:   small metadata records (listing thousands stays cheap), indexed by dataset and by class
 *   blobs:    the original file per image (never decoded up front)
 *   thumbs:   small JPEG thumbnails, generated lazily the first time one is shown
 */
import type { DecodedImage, ImageSource } from '../engine/host';
import { RunError } from '../engine/types';
import { compareText, importEntries, uniqueClassName, type ImportSummary, type SkippedFile, type SourceEntry } from './import';
import { fitWithin } from './resize';
import { bitmapToRgb, makeCanvas } from './bitmap';
import { checkImageBytes } from './validate-image';

export const LOCAL_PREFIX = 'local:';
const DB_NAME = 'graft-datasets';
const DB_VERSION = 1;
/** Longer side of stored thumbnails (shown at ~48 CSS px; 2× for high-DPI screens). */
export const THUMBNAIL_SIDE = 96;
/** Keep the skipped list bounded: a folder of 50 000 text files should not bloat the record. */
const MAX_SKIPPED = 2000;

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

interface ImageRecord {
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

let dbPromise: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
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

type StoreName = 'datasets' | 'images' | 'blobs' | 'thumbs';

/** Run `body` in one transaction and resolve with its result once the transaction commits. */
async function tx<T>(stores: StoreName[], mode: IDBTransactionMode, body: (t: IDBTransaction) => T | Promise<T>): Promise<T> {
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

function req<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// --- change notifications (same tab + other tabs) -------------------------------------------------------------

type Listener = (datasetId: string) => void;
const listeners = new Set<Listener>();
let channel: BroadcastChannel | null = null;

function getChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel('graft-datasets');
  channel.onmessage = (e: MessageEvent<{ datasetId: string }>) => listeners.forEach((l) => l(e.data.datasetId));
  return channel;
}

function notify(datasetId: string): void {
  listeners.forEach((l) => l(datasetId));
  getChannel()?.postMessage({ datasetId });
}

/** Called whenever a local dataset changes (here or in another tab). Returns an unsubscribe function. */
export function subscribeLocalDatasets(listener: Listener): () => void {
  getChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

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

function summarise(record: LocalDatasetRecord, images: ImageRecord[]): LocalDatasetSummary {
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

async function updateRecord(id: string, change: (r: LocalDatasetRecord) => void): Promise<LocalDatasetRecord> {
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

// --- adding images ----------------------------------------------------------------------------------------------

interface PendingImage {
  meta: ImageRecord;
  blob: Blob;
}

const WRITE_BATCH = 24;

async function writeImages(batch: PendingImage[]): Promise<void> {
  if (batch.length === 0) return;
  await tx(['images', 'blobs'], 'readwrite', (t) => {
    for (const { meta, blob } of batch) {
      t.objectStore('images').put(meta);
      t.objectStore('blobs').put({ id: meta.id, blob });
    }
  });
}

function mergeSkipped(existing: SkippedFile[], added: SkippedFile[]): SkippedFile[] {
  const seen = new Set(existing.map((s) => `${s.name}\u0000${s.reason}`));
  const merged = [...existing];
  for (const s of added) {
    const key = `${s.name}\u0000${s.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      merged.push(s);
    }
  }
  return merged.slice(-MAX_SKIPPED);
}

/**
 * Import folder/zip content into a dataset: first-level folders become classes (merged by name, case-insensitive),
 * unusable files are added to the dataset's skipped list. Returns what was imported.
 */
export async function importIntoLocalDataset(
  datasetId: string,
  entries: readonly SourceEntry[],
  options: { extraSkipped?: SkippedFile[]; onProgress?(done: number, total: number): void; signal?: AbortSignal } = {},
): Promise<ImportSummary> {
  const record = await getLocalDataset(datasetId);
  if (!record) throw new Error('This dataset no longer exists in this browser.');
  const classIds = new Map(record.classes.map((c) => [c.name.toLowerCase(), c.id]));
  const newClasses: LocalClass[] = [];
  const classIdFor = (name: string): string => {
    const existing = classIds.get(name.toLowerCase());
    if (existing) return existing;
    const created = { id: newId(), name };
    classIds.set(name.toLowerCase(), created.id);
    newClasses.push(created);
    return created.id;
  };
  let batch: PendingImage[] = [];
  const now = Date.now();
  const summary = await importEntries(
    entries,
    async (image) => {
      const id = newId();
      batch.push({
        meta: {
          id,
          datasetId,
          classId: classIdFor(image.className),
          name: image.name,
          mimeType: image.mimeType,
          width: image.width,
          height: image.height,
          size: image.bytes.byteLength,
          addedAt: now,
        },
        blob: new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mimeType }),
      });
      if (batch.length >= WRITE_BATCH) {
        const full = batch;
        batch = [];
        await writeImages(full);
      }
    },
    { onProgress: options.onProgress, signal: options.signal },
  );
  await writeImages(batch);
  // Classes whose files were all unusable still appear (count 0) so the user sees what happened.
  for (const c of summary.classes) classIdFor(c.name);
  const skipped = [...(options.extraSkipped ?? []), ...summary.skipped];
  await updateRecord(datasetId, (r) => {
    const have = new Set(r.classes.map((c) => c.id));
    r.classes.push(...newClasses.filter((c) => !have.has(c.id)));
    r.skipped = mergeSkipped(r.skipped, skipped);
  });
  return { classes: summary.classes, skipped };
}

/** Add loose image files (drag and drop, file picker, webcam frames) to one class. Returns the skipped ones. */
export async function addImagesToClass(
  datasetId: string,
  classId: string,
  files: ReadonlyArray<{ name: string; blob: Blob }>,
): Promise<{ added: number; skipped: SkippedFile[] }> {
  const record = await getLocalDataset(datasetId);
  const cls = record?.classes.find((c) => c.id === classId);
  if (!record || !cls) throw new Error('This class no longer exists.');
  const skipped: SkippedFile[] = [];
  let batch: PendingImage[] = [];
  let added = 0;
  const now = Date.now();
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.blob.arrayBuffer());
    } catch (e) {
      skipped.push({ name: `${cls.name}/${file.name}`, reason: `could not be read (${(e as Error).message})` });
      continue;
    }
    const check = checkImageBytes(bytes, file.name);
    if (!check.ok) {
      skipped.push({ name: `${cls.name}/${file.name}`, reason: check.reason });
      continue;
    }
    const id = newId();
    batch.push({
      meta: { id, datasetId, classId, name: file.name, mimeType: check.mimeType, width: check.width, height: check.height, size: bytes.byteLength, addedAt: now },
      // Keep the original Blob (no copy) when its type is already right.
      blob: file.blob.type === check.mimeType ? file.blob : new Blob([bytes as Uint8Array<ArrayBuffer>], { type: check.mimeType }),
    });
    added++;
    if (batch.length >= WRITE_BATCH) {
      const full = batch;
      batch = [];
      await writeImages(full);
    }
  }
  await writeImages(batch);
  await updateRecord(datasetId, (r) => {
    r.skipped = mergeSkipped(r.skipped, skipped);
  });
  return { added, skipped };
}

/** A file that passed the header check but cannot be decoded: drop it and list it as skipped. */
async function markUndecodable(datasetId: string, image: ImageRecord, className: string): Promise<void> {
  await tx(['images', 'blobs', 'thumbs'], 'readwrite', (t) => {
    t.objectStore('images').delete(image.id);
    t.objectStore('blobs').delete(image.id);
    t.objectStore('thumbs').delete(image.id);
  });
  await updateRecord(datasetId, (r) => {
    r.skipped = mergeSkipped(r.skipped, [{ name: `${className}/${image.name}`, reason: 'corrupt (the image could not be decoded)' }]);
  }).catch(() => undefined);
}

// --- decoding ---------------------------------------------------------------------------------------------------

async function getBlob(imageId: string): Promise<Blob | null> {
  const row = (await tx(['blobs'], 'readonly', (t) => req(t.objectStore('blobs').get(imageId)))) as { blob: Blob } | undefined;
  return row?.blob ?? null;
}

/** Decode a Blob to an ImageBitmap whose longer side is ≤ maxSide (resized by the browser's decoder). */
async function decodeBitmap(blob: Blob, width: number, height: number, maxSide: number): Promise<ImageBitmap> {
  const target = fitWithin(width, height, maxSide);
  // Give only the longer side so the aspect ratio stays right even if EXIF orientation swaps width and height.
  const resize: ImageBitmapOptions =
    target.width === width && target.height === height
      ? {}
      : width >= height
        ? { resizeWidth: target.width, resizeQuality: 'high' }
        : { resizeHeight: target.height, resizeQuality: 'high' };
  return createImageBitmap(blob, resize);
}

/**
 * The engine's view of a local dataset. Only metadata is read here; each `load` fetches one Blob and decodes it
 * downscaled, so memory stays bounded however many images the dataset holds.
 */
export async function openLocalDatasetSource(datasetId: string): Promise<ImageSource> {
  const loaded = await tx(['datasets', 'images'], 'readonly', async (t) => {
    const record = (await req(t.objectStore('datasets').get(datasetId))) as LocalDatasetRecord | undefined;
    if (!record) return null;
    const images = (await req(t.objectStore('images').index('byDataset').getAll(datasetId))) as ImageRecord[];
    return { record, images };
  });
  if (!loaded) {
    throw new RunError(
      'This dataset no longer exists in this browser (it was deleted, or the graph was made in another browser). Choose or upload a dataset in the Dataset node.',
      'dataset',
    );
  }
  const { record, images } = loaded;
  const classIndex = new Map(record.classes.map((c, i) => [c.id, i]));
  const usable = images
    .filter((img) => classIndex.has(img.classId))
    .sort(
      (a, b) =>
        (classIndex.get(a.classId) ?? 0) - (classIndex.get(b.classId) ?? 0) ||
        compareText(a.name, b.name) ||
        compareText(a.id, b.id),
    );
  return {
    labels: record.classes.map((c) => c.name),
    items: usable.map((img) => ({ label: classIndex.get(img.classId) ?? 0, name: `${record.classes[classIndex.get(img.classId) ?? 0].name}/${img.name}` })),
    skipped: record.skipped.slice(),
    async load(index: number, maxSide: number): Promise<DecodedImage> {
      const image = usable[index];
      if (!image) throw new RangeError(`No image at index ${index}`);
      const blob = await getBlob(image.id);
      if (!blob) throw new Error(`"${image.name}" is missing from the browser's storage`);
      let bitmap: ImageBitmap;
      try {
        bitmap = await decodeBitmap(blob, image.width, image.height, maxSide);
      } catch {
        throw new Error(`"${image.name}" could not be decoded (corrupt or unsupported image)`);
      }
      try {
        return bitmapToRgb(bitmap, maxSide);
      } finally {
        bitmap.close();
      }
    },
  };
}

/** One stored image, described for export (sharing with a graph); `read` fetches the original file. */
export interface LocalImageForExport {
  className: string;
  name: string;
  mimeType: string;
  width: number;
  height: number;
  size: number;
  read(): Promise<Blob | null>;
}

/** The images of a local dataset in run order (class, then name), metadata only; null when the dataset is gone. */
export async function listLocalDatasetImages(datasetId: string): Promise<{ name: string; images: LocalImageForExport[] } | null> {
  if (!isLocalDatasetId(datasetId)) return null;
  const loaded = await tx(['datasets', 'images'], 'readonly', async (t) => {
    const record = (await req(t.objectStore('datasets').get(datasetId))) as LocalDatasetRecord | undefined;
    if (!record) return null;
    const images = (await req(t.objectStore('images').index('byDataset').getAll(datasetId))) as ImageRecord[];
    return { record, images };
  });
  if (!loaded) return null;
  const classIndex = new Map(loaded.record.classes.map((c, i) => [c.id, i]));
  const images = loaded.images
    .filter((img) => classIndex.has(img.classId))
    .sort(
      (a, b) =>
        (classIndex.get(a.classId) ?? 0) - (classIndex.get(b.classId) ?? 0) || compareText(a.name, b.name) || compareText(a.id, b.id),
    )
    .map((img) => ({
      className: loaded.record.classes[classIndex.get(img.classId) ?? 0].name,
      name: img.name,
      mimeType: img.mimeType,
      width: img.width,
      height: img.height,
      size: img.size,
      read: () => getBlob(img.id),
    }));
  return { name: loaded.record.name, images };
}

// --- thumbnails -------------------------------------------------------------------------------------------------

/** At most this many thumbnails are decoded at once (bounded memory while scrolling big classes). */
const THUMBNAIL_CONCURRENCY = 2;
let activeThumbnails = 0;
const thumbnailQueue: Array<() => void> = [];

async function withThumbnailSlot<T>(work: () => Promise<T>): Promise<T> {
  if (activeThumbnails >= THUMBNAIL_CONCURRENCY) await new Promise<void>((resolve) => thumbnailQueue.push(resolve));
  activeThumbnails++;
  try {
    return await work();
  } finally {
    activeThumbnails--;
    thumbnailQueue.shift()?.();
  }
}

/**
 * A small JPEG thumbnail Blob for an image, generated on first request and cached in IndexedDB.
 * Returns null (and moves the image to the skipped list) when the file turns out to be undecodable.
 */
export async function getThumbnail(datasetId: string, imageId: string): Promise<Blob | null> {
  const cached = (await tx(['thumbs'], 'readonly', (t) => req(t.objectStore('thumbs').get(imageId)))) as { blob: Blob } | undefined;
  if (cached) return cached.blob;
  return withThumbnailSlot(async () => {
    const meta = (await tx(['images'], 'readonly', (t) => req(t.objectStore('images').get(imageId)))) as ImageRecord | undefined;
    if (!meta) return null;
    const blob = await getBlob(imageId);
    if (!blob) return null;
    let bitmap: ImageBitmap;
    try {
      bitmap = await decodeBitmap(blob, meta.width, meta.height, THUMBNAIL_SIDE);
    } catch {
      const record = await getLocalDataset(datasetId);
      await markUndecodable(datasetId, meta, record?.classes.find((c) => c.id === meta.classId)?.name ?? '?');
      return null;
    }
    try {
      const { width, height } = fitWithin(bitmap.width, bitmap.height, THUMBNAIL_SIDE);
      const canvas = makeCanvas(width, height);
      const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
      if (!ctx) return null;
      ctx.drawImage(bitmap, 0, 0, width, height);
      const thumb =
        'convertToBlob' in canvas
          ? await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 })
          : await new Promise<Blob | null>((resolve) => (canvas as HTMLCanvasElement).toBlob(resolve, 'image/jpeg', 0.8));
      if (!thumb) return null;
      await tx(['thumbs'], 'readwrite', (t) => {
        t.objectStore('thumbs').put({ id: imageId, datasetId, blob: thumb });
      });
      return thumb;
    } finally {
      bitmap.close();
    }
  });
}
