'use client';
/**
 * Where a teacher's hidden test set comes from: freshly generated images of a built-in dataset (a seed the
 * training set never uses), or a picked folder of class folders. Either way the images are sent to the server in
 * chunks below its request size limit; the server re-encodes them (no file names or metadata survive).
 */
import { getSyntheticDataset, renderSyntheticImage } from '@/nodes/dataset/synthetic';
import { importEntries } from '@/nodes/dataset/import';
import { makeCanvas } from '@/nodes/dataset/bitmap';
import { fitWithin } from '@/nodes/dataset/resize';
import { trpc } from '@/app/lib/trpcClient';

export interface TestImage {
  label: string;
  bytes: Uint8Array;
}

/** Largest side of uploaded photos (the server shrinks to 512 px too; this keeps requests small). */
const UPLOAD_MAX_SIDE = 512;
/** Base64 characters per request: well below the server's 1 MiB body limit. */
const CHUNK_CHARS = 600_000;

async function canvasToBytes(canvas: OffscreenCanvas | HTMLCanvasElement, type: string, quality?: number): Promise<Uint8Array> {
  const blob =
    'convertToBlob' in canvas
      ? await canvas.convertToBlob({ type, quality })
      : await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encoding failed'))), type, quality));
  return new Uint8Array(await blob.arrayBuffer());
}

/** `perClass` new images per class of a built-in dataset, rendered with a seed different from the dataset's own. */
export async function generateSyntheticTestSet(datasetId: string, perClass: number, seed: number): Promise<TestImage[]> {
  const info = getSyntheticDataset(datasetId);
  if (!info) throw new Error(`"${datasetId}" is not a built-in dataset.`);
  if (seed === info.seed) seed += 1; // never the training images
  const count = Math.min(perClass, info.perClass);
  const out: TestImage[] = [];
  for (let c = 0; c < info.classes.length; c++) {
    for (let k = 0; k < count; k++) {
      const img = renderSyntheticImage(info, c * info.perClass + k, seed);
      const canvas = makeCanvas(img.width, img.height);
      const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
      if (!ctx) throw new Error('no 2D canvas available');
      const rgba = new Uint8ClampedArray(img.width * img.height * 4);
      for (let p = 0, q = 0; p < img.data.length; p += 3, q += 4) {
        rgba[q] = img.data[p]!;
        rgba[q + 1] = img.data[p + 1]!;
        rgba[q + 2] = img.data[p + 2]!;
        rgba[q + 3] = 255;
      }
      ctx.putImageData(new ImageData(rgba, img.width, img.height), 0, 0);
      out.push({ label: info.classes[c]!, bytes: await canvasToBytes(canvas, 'image/png') });
    }
  }
  return out;
}

async function shrink(bytes: Uint8Array, mimeType: string, width: number, height: number): Promise<Uint8Array> {
  const small = bytes.length < 300_000 && Math.max(width, height) <= UPLOAD_MAX_SIDE;
  if (small && (mimeType === 'image/png' || mimeType === 'image/jpeg')) return bytes;
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }));
  try {
    const size = fitWithin(bitmap.width, bitmap.height, UPLOAD_MAX_SIDE);
    const canvas = makeCanvas(size.width, size.height);
    const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (!ctx) throw new Error('no 2D canvas available');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size.width, size.height);
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    return await canvasToBytes(canvas, 'image/jpeg', 0.9);
  } finally {
    bitmap.close();
  }
}

/** A picked folder (`<input webkitdirectory>`): first-level folders are the classes. */
export async function readTestFolder(files: readonly File[], onProgress?: (done: number, total: number) => void): Promise<{ images: TestImage[]; skipped: number }> {
  const images: TestImage[] = [];
  const summary = await importEntries(
    files.map((f) => ({ path: f.webkitRelativePath || f.name, read: async () => new Uint8Array(await f.arrayBuffer()) })),
    async (img) => {
      images.push({ label: img.className, bytes: await shrink(img.bytes, img.mimeType, img.width, img.height) });
    },
    { onProgress },
  );
  return { images, skipped: summary.skipped.length };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends the images in chunks; the server appends them to the draft's hidden set. */
export async function uploadTestSet(id: string, teacherToken: string, images: readonly TestImage[], onProgress: (sent: number) => void): Promise<void> {
  let chunk: { label: string; data: string }[] = [];
  let chars = 0;
  let sent = 0;
  const flush = async () => {
    if (!chunk.length) return;
    await trpc.assignment.addTestImages.mutate({ id, teacherToken, images: chunk });
    sent += chunk.length;
    onProgress(sent);
    chunk = [];
    chars = 0;
  };
  for (const img of images) {
    const data = toBase64(img.bytes);
    if (chars + data.length > CHUNK_CHARS || chunk.length >= 200) await flush();
    chunk.push({ label: img.label, data });
    chars += data.length;
  }
  await flush();
}
