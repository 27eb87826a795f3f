/**
 * One image URL → model-input pixels (height×width RGB): fetch, decode and fit (`decodeBlob`), then the engine's
 * stretch (`resizeBilinearUint8`) — the same bytes as `resizeToUint8(source.load(i, max(h, w)), h, w)`. Shared by
 * the engine worker (fallback) and the decode workers (`decode-worker.ts`).
 */
import { resizeBilinearUint8 } from '../data/pixel-store';
import { decodeBlob } from './decode';

export async function urlToModelInputHere(url: string, height: number, width: number): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not be downloaded (HTTP ${response.status})`);
  return resizeBilinearUint8(await decodeBlob(await response.blob(), Math.max(height, width)), height, width);
}
