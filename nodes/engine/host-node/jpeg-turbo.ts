/**
 * The fast path of Node's native decoding for everyday JPEGs: libjpeg-turbo compiled to WebAssembly
 * (`@cwasm/jpeg-turbo`), called synchronously on the decode thread. Measured on the flower photos (≈320×240): about
 * 2 ms of CPU per photo, against about 5.5 ms through sharp, where libvips' per-image pipeline (≈1.2 ms even for an
 * 8×8 image) dominates such small photos. Same decoder family as sharp's (libjpeg-turbo / mozjpeg, accurate integer
 * IDCT, smooth chroma upsampling), so the pixels match sharp's (tested).
 *
 * Only JPEGs this path handles exactly like the sharp path take it; everything else goes to sharp:
 * no EXIF rotation, no colour profile other than sRGB, 1 or 3 components without an Adobe (CMYK/YCCK) marker, and a
 * file that ends with its end-of-image marker (sharp refuses truncated files; this decoder would fill them grey).
 */
import { createRequire } from 'node:module';
import type { DecodedImage } from '../host';
import { downscaleToMaxSide } from '../../dataset/resize';

interface JpegTurbo {
  decode(input: Uint8Array): { width: number; height: number; data: Uint8ClampedArray };
}

let turbo: JpegTurbo | null | undefined;

/** The WASM decoder, loaded once; null when it cannot load (or GRAFT_NO_FAST_JPEG=1: everything through sharp). */
export function loadJpegTurbo(): JpegTurbo | null {
  if (turbo !== undefined) return turbo;
  if (process.env.GRAFT_NO_FAST_JPEG === '1') return (turbo = null);
  try {
    turbo = createRequire(import.meta.url)('@cwasm/jpeg-turbo') as JpegTurbo;
  } catch {
    turbo = null;
  }
  return turbo;
}

/** A JPEG header segment: its marker and its body `bytes[body, end)` (`end` may pass the end of a cut file). */
export interface JpegSegment {
  marker: number;
  body: number;
  end: number;
}

/**
 * The segments of a JPEG's header, from after SOI up to its first scan (every header that matters comes before
 * it), skipping fill bytes. Stops at the scan, at the end of the image, at bytes that are not a marker, or at a
 * segment length under 2 (then it yields `'damaged'` last).
 */
export function* jpegHeaderSegments(bytes: Uint8Array): Generator<JpegSegment | 'damaged'> {
  let at = 2; // after SOI
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return; // start of scan / end of image
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) {
      yield 'damaged';
      return;
    }
    yield { marker, body: at + 4, end: at + 2 + length };
    at += 2 + length;
  }
}

/** Why a JPEG must go through sharp instead of the fast path; null when the fast path decodes it identically. */
export function jpegNeedsSharp(bytes: Uint8Array): string | null {
  if (!endsWithEndOfImage(bytes)) return 'no end-of-image marker (possibly truncated)';
  let components = 0;
  for (const segment of jpegHeaderSegments(bytes)) {
    if (segment === 'damaged') return 'damaged marker';
    const { marker, body, end } = segment;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && body + 6 <= bytes.length) components = bytes[body + 5];
    if (marker === 0xee) return 'Adobe colour transform marker';
    if (marker === 0xe1 && exifOrientation(bytes, body, end) > 1) return 'EXIF rotation';
  }
  return components === 1 || components === 3 ? null : `${components} colour components`;
}

/** Decode with the fast path and downscale with the same box filter as the sharp path. */
export function decodeJpegWithTurbo(decoder: JpegTurbo, bytes: Uint8Array, maxSide: number): DecodedImage {
  const { width, height, data } = decoder.decode(bytes);
  return downscaleToMaxSide(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, maxSide, 4);
}

function endsWithEndOfImage(bytes: Uint8Array): boolean {
  let end = bytes.length;
  // Some encoders pad after EOI with zeros; libjpeg ignores anything after it.
  while (end > 2 && bytes[end - 1] === 0) end--;
  return end >= 4 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

/** The EXIF orientation tag (1–8) of an APP1 segment's body [from, to); 1 when there is none. */
export function exifOrientation(bytes: Uint8Array, from: number, to: number): number {
  const text = (start: number, n: number) => String.fromCharCode(...bytes.subarray(start, start + n));
  if (to - from < 14 || text(from, 6) !== 'Exif\0\0') return 1;
  const tiff = from + 6;
  const little = text(tiff, 2) === 'II';
  const u16 = (at: number) => (little ? bytes[at] | (bytes[at + 1] << 8) : (bytes[at] << 8) | bytes[at + 1]);
  const u32 = (at: number) => (little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > to) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > to) return 1;
    if (u16(entry) === 0x0112) return u16(entry + 8) || 1;
  }
  return 1;
}
