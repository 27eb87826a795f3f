/**
 * One image URL → model-input pixels (height×width RGB): fetch, decode and fit (`decodeBlob`), then the engine's
 * stretch (`resizeBilinearUint8`) — the same bytes as `resizeToUint8(source.load(i, max(h, w)), h, w)`. Shared by
 * the engine worker (fallback) and the decode workers (`decode-worker.ts`).
 */
import { resizeBilinearUint8 } from '../data/pixel-store';
import type { DecodedImage } from '../host';
import { decodeBlob } from './decode';

/** Fetch one image and decode it, fitted so its longer side is ≤ maxSide (a `dir:` dataset's `load`). */
export async function fetchDecoded(url: string, maxSide: number): Promise<DecodedImage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not be downloaded (HTTP ${response.status})`);
  return decodeBlob(await response.blob(), maxSide);
}

export async function urlToModelInputHere(url: string, height: number, width: number): Promise<Uint8Array> {
  return resizeBilinearUint8(await fetchDecoded(url, Math.max(height, width)), height, width);
}
