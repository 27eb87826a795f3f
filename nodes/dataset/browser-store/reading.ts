/** Reading browser-stored datasets: the training source (decoded on demand), export for sharing, thumbnails. */
import type { DecodedImage, ImageSource } from '../../engine/host';
import { RunError } from '../../engine/types';
import { fitWithin } from '../resize';
import { bitmapToRgb, makeCanvas } from '../bitmap';
import { compareText } from '../import';
import { type ImageRecord, type LocalDatasetRecord, THUMBNAIL_SIDE, isLocalDatasetId, req, tx } from './db';
import { getLocalDataset } from './datasets';
import { markUndecodable } from './images';

// --- decoding ---------------------------------------------------------------------------------------------------

export async function getBlob(imageId: string): Promise<Blob | null> {
  const row = (await tx(['blobs'], 'readonly', (t) => req(t.objectStore('blobs').get(imageId)))) as { blob: Blob } | undefined;
  return row?.blob ?? null;
}

/** Decode a Blob to an ImageBitmap whose longer side is ≤ maxSide (resized by the browser's decoder). */
export async function decodeBitmap(blob: Blob, width: number, height: number, maxSide: number): Promise<ImageBitmap> {
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
    // SHA-256 of the stored file: the persistent feature cache keys on it (feature-key.ts), so re-running on a
    // dataset stored in this browser reuses its trunk features, and changed images never reuse stale ones.
    async contentHash(index: number): Promise<string> {
      const image = usable[index];
      const blob = image ? await getBlob(image.id) : null;
      if (!blob) throw new Error(`"${image?.name ?? index}" is missing from the browser's storage`);
      const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
      return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    },
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
export const THUMBNAIL_CONCURRENCY = 2;
export let activeThumbnails = 0;
export const thumbnailQueue: Array<() => void> = [];

export async function withThumbnailSlot<T>(work: () => Promise<T>): Promise<T> {
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
