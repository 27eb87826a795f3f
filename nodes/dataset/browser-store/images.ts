/** Adding images to a browser-stored dataset: folder/zip imports and single-class drops, validated and batched. */
import { checkImageBytes } from '../validate-image';
import { importEntries, type ImportSummary, type SkippedFile, type SourceEntry } from '../import';
import { type ImageRecord, type LocalClass, MAX_SKIPPED, newId, tx } from './db';
import { getLocalDataset, updateRecord } from './datasets';

// --- adding images ----------------------------------------------------------------------------------------------

export interface PendingImage {
  meta: ImageRecord;
  blob: Blob;
}

export const WRITE_BATCH = 24;

export async function writeImages(batch: PendingImage[]): Promise<void> {
  if (batch.length === 0) return;
  await tx(['images', 'blobs'], 'readwrite', (t) => {
    for (const { meta, blob } of batch) {
      t.objectStore('images').put(meta);
      t.objectStore('blobs').put({ id: meta.id, blob });
    }
  });
}

export function mergeSkipped(existing: SkippedFile[], added: SkippedFile[]): SkippedFile[] {
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
export async function markUndecodable(datasetId: string, image: ImageRecord, className: string): Promise<void> {
  await tx(['images', 'blobs', 'thumbs'], 'readwrite', (t) => {
    t.objectStore('images').delete(image.id);
    t.objectStore('blobs').delete(image.id);
    t.objectStore('thumbs').delete(image.id);
  });
  await updateRecord(datasetId, (r) => {
    r.skipped = mergeSkipped(r.skipped, [{ name: `${className}/${image.name}`, reason: 'corrupt (the image could not be decoded)' }]);
  }).catch(() => undefined);
}
