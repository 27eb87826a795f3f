/**
 * Browser-only pixel helpers shared by the IndexedDB dataset store (page or worker) and the engine's worker host.
 * Importing this module is safe in Node; calling it needs createImageBitmap/canvas.
 */
import type { DecodedImage } from '../engine/host';
import { fitWithin } from './resize';

/** An OffscreenCanvas where available (workers, modern pages), else a DOM canvas. */
export function makeCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** Draw a bitmap scaled to fit maxSide and return its RGB pixels (alpha dropped). */
export function bitmapToRgb(bitmap: ImageBitmap, maxSide: number, opts: { highQuality?: boolean } = {}): DecodedImage {
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxSide);
  const canvas = makeCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2D canvas available');
  if (opts.highQuality) {
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
  }
  ctx.drawImage(bitmap, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; q < rgba.length; p += 3, q += 4) {
    rgb[p] = rgba[q];
    rgb[p + 1] = rgba[q + 1];
    rgb[p + 2] = rgba[q + 2];
  }
  return { data: rgb, width, height };
}
