/**
 * Image decoding and thumbnails inside the worker: createImageBitmap + OffscreenCanvas (no DOM needed).
 */
import type { DecodedImage } from '../host';
import { fitWithin } from '../../dataset/resize';
import { bitmapToRgb as drawBitmapRgb } from '../../dataset/bitmap';

const MIN_SIDE = 8;

/** Decode an encoded image (blob) to RGB, downscaled so its longer side is ≤ maxSide. Throws a readable reason. */
export async function decodeBlob(blob: Blob, maxSide: number): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new Error('could not be decoded (corrupt or unsupported image format)');
  }
  try {
    return bitmapToRgb(bitmap, maxSide);
  } finally {
    bitmap.close();
  }
}

/** Like the shared `bitmapToRgb`, but refuses images too small to learn from (reported as skipped). */
export function bitmapToRgb(bitmap: ImageBitmap, maxSide: number): DecodedImage {
  if (bitmap.width < MIN_SIDE || bitmap.height < MIN_SIDE) {
    throw new Error(`too small (${bitmap.width}×${bitmap.height} px)`);
  }
  return drawBitmapRgb(bitmap, maxSide, { highQuality: true });
}

/** Small JPEG data URL of an RGB image (for galleries). */
export async function rgbToDataUrl(image: DecodedImage, maxSide = 96): Promise<string> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0, q = 0; p < image.data.length; p += 3, q += 4) {
    rgba[q] = image.data[p];
    rgba[q + 1] = image.data[p + 1];
    rgba[q + 2] = image.data[p + 2];
    rgba[q + 3] = 255;
  }
  ctx.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
  const { width, height } = fitWithin(image.width, image.height, maxSide);
  // Upscale tiny images (e.g. 32 px synthetic shapes) so they are visible; pixelated keeps them honest.
  const scale = Math.max(1, Math.floor(maxSide / Math.max(image.width, image.height)));
  const outW = width * (width === image.width ? scale : 1);
  const outH = height * (height === image.height ? scale : 1);
  const out = new OffscreenCanvas(outW, outH);
  const octx = out.getContext('2d');
  if (!octx) throw new Error('no 2D canvas');
  octx.imageSmoothingEnabled = scale === 1;
  octx.drawImage(canvas, 0, 0, outW, outH);
  const blob = await out.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  return blobToDataUrl(blob);
}

async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${blob.type || 'image/jpeg'};base64,${btoa(binary)}`;
}
