/**
 * Downscaling of decoded RGB images so memory stays bounded (pure TS: Node and Web Worker).
 */
import type { DecodedImage } from '../engine/host';

/** Target size so the longer side is at most `maxSide` (aspect kept, each side ≥ 1). Unchanged when it fits. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (!(maxSide > 0) || longer <= maxSide) return { width, height };
  const scale = maxSide / longer;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Box-filter downscale of an RGB (3 bytes/pixel) or RGBA (4 bytes/pixel, alpha dropped) buffer so the longer side
 * is ≤ maxSide. Each output pixel averages the source pixels it covers, so thin details fade instead of aliasing.
 * Returns RGB always.
 */
export function downscaleToMaxSide(
  src: Uint8Array,
  width: number,
  height: number,
  maxSide: number,
  channels: 3 | 4 = 3,
): DecodedImage {
  const target = fitWithin(width, height, maxSide);
  if (target.width === width && target.height === height) {
    if (channels === 3) return { data: src, width, height };
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; p < width * height; p++, q += 4) {
      rgb[p * 3] = src[q];
      rgb[p * 3 + 1] = src[q + 1];
      rgb[p * 3 + 2] = src[q + 2];
    }
    return { data: rgb, width, height };
  }
  const out = new Uint8Array(target.width * target.height * 3);
  const xScale = width / target.width;
  const yScale = height / target.height;
  // Source column range of each output column, computed once for all rows.
  const xStart = new Int32Array(target.width);
  const xEnd = new Int32Array(target.width);
  for (let ox = 0; ox < target.width; ox++) {
    const x0 = Math.floor(ox * xScale);
    xStart[ox] = x0;
    xEnd[ox] = Math.max(x0 + 1, Math.min(width, Math.floor((ox + 1) * xScale)));
  }
  const rowStride = width * channels;
  let o = 0;
  for (let oy = 0; oy < target.height; oy++) {
    const y0 = Math.floor(oy * yScale);
    const y1 = Math.max(y0 + 1, Math.min(height, Math.floor((oy + 1) * yScale)));
    for (let ox = 0; ox < target.width; ox++) {
      const x0 = xStart[ox];
      const x1 = xEnd[ox];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        const end = y * rowStride + x1 * channels;
        for (let i = y * rowStride + x0 * channels; i < end; i += channels) {
          r += src[i];
          g += src[i + 1];
          b += src[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      out[o++] = Math.round(r / n);
      out[o++] = Math.round(g / n);
      out[o++] = Math.round(b / n);
    }
  }
  return { data: out, width: target.width, height: target.height };
}
